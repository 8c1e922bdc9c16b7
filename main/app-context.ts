/**
 * What the handlers of every area are given (constructor injection, style.md §"VS Code"): built once per process
 * by a composition root (main/server.ts via the CLI, or main/index.ts in Electron) and disposed by it.
 * Engine areas add their services here (e.g. `library: Library | null`) when they land.
 */
import type { SearchRequest, SearchResult } from './engine/search/search-request';
import type { LibraryIngest } from './engine/ingest/library-ingest';
import type { Curation } from './engine/curate/curation';
import type { LibrarySettings } from './engine/library/library-settings';
import type { MediaCatalog } from './engine/library/media-catalog';
import type { LibraryModelVersions } from './engine/train/library-model-versions';
import type { EventEmitter } from './event-hub';

export interface AppContext {
  version: string;
  /** Which process runs the engine; the transport of each call is in `CallContext`. */
  host: 'electron' | 'node';
  startedAt: number;
  /** Absolute path of the library to open, or null (see main/default-library.ts). */
  libraryPath: string | null;
  events: EventEmitter;
  /** Search of the open library (main/engine/search); absent while no library is open. */
  search?: { query(request: SearchRequest): Promise<SearchResult> };
  /**
   * Imports and background jobs of the open library (main/engine/ingest); absent while no library is open.
   * Whoever opens the library builds it with `onProgress: (p) => events.emit('job.progress', p)`.
   */
  ingest?: Pick<LibraryIngest, 'importFolder' | 'importPairs' | 'summary' | 'runner'>;
  /** The photo catalog of the open library (main/engine/library): grid pages, sidebar, lightbox, saved searches. */
  catalog?: Pick<
    MediaCatalog,
    'overview' | 'list' | 'items' | 'detail' | 'savedSearches' | 'saveSearch' | 'removeSearch'
  >;
  /** Settings of the open library (issue #8): runtime choices for the next model load, library roots. */
  settings?: Pick<LibrarySettings, 'get' | 'set' | 'rootContents' | 'removeRoot'>;
  /** Curation of the open library (main/engine/curate): review queue, actions as correction events, scoring. */
  curation?: Pick<Curation, 'queue' | 'act' | 'undo' | 'bulk' | 'rescore' | 'events'>;
  /** Model versions of the open library (issue #10): fine-tune job, list, rollback. */
  versions?: Pick<LibraryModelVersions, 'startFineTune' | 'cancel' | 'list' | 'rollback'>;
}
