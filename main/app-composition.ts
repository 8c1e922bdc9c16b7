/**
 * The one composition of the engine behind the contract, shared by both shells: the browser host under Node
 * (main/node-host.ts) and the Electron shell (main/index.ts). It builds the `AppContext` (opening the library when
 * one is named) and owns what it opened until `close()`. Transports are wired by the callers.
 */
import type { AppContext } from './app-context';
import type { EventHub } from './event-hub';
import type { MediaFileResolver } from './server/media-route';

export interface AppCompositionOptions {
  host: AppContext['host'];
  version: string;
  events: EventHub;
  libraryPath: string | null;
  /** Model bundle the library is opened with. */
  bundleDir: string;
  /** The bundle was named by the person (`--model`): it wins over a bundle chosen in Settings (issue #8). */
  bundleFromCommandLine?: boolean;
}

export interface AppComposition {
  readonly ctx: AppContext;
  /** Photos of the open library for `/media/...`; null while none is open. */
  readonly mediaFiles: MediaFileResolver | null;
  close(): Promise<void>;
}

export async function openAppComposition(options: AppCompositionOptions): Promise<AppComposition> {
  const { events } = options;
  const ctx: AppContext = {
    version: options.version,
    host: options.host,
    startedAt: Date.now(),
    libraryPath: options.libraryPath,
    events,
  };
  // The library (issue #8): one composition over one store, so imports are searchable as their batches commit.
  // Imported lazily: without a library, nothing native (SQLite, ONNX Runtime) is loaded.
  const library = options.libraryPath
    ? await (
        await import('./engine/library/open-library')
      ).openLibrary({
        library: options.libraryPath,
        bundleDir: options.bundleDir,
        bundleFromCommandLine: options.bundleFromCommandLine ?? false,
        onProgress: (p) => events.emit('job.progress', p),
        onFineTune: (u) => events.emit('finetune.progress', u),
      })
    : null;
  if (library) {
    ctx.search = { query: (request) => library.versions.search(request) };
    ctx.ingest = library.session.ingest;
    ctx.catalog = library.catalog;
    ctx.settings = library.settings;
    ctx.curation = library.curation;
    ctx.versions = library.versions;
  }
  return {
    ctx,
    mediaFiles: library ? (variant, id) => library.catalog.fileFor(id, variant) : null,
    close: async () => {
      await library?.close();
    },
  };
}
