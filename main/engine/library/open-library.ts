/**
 * The app's library composition root (DESIGN.md §1 `engine/library.ts`): one store, one model, both indexes, the
 * ingest jobs, search and the photo catalog over the SAME store and indexes, so that a photo imported by a job is
 * searchable the moment its batch commits (issue #8 "the new items become searchable"). Close order is the reverse.
 *
 * @example
 *   const lib = await openLibrary({ library: '~/lib', bundleDir: 'resources/models/albef-emoji-small', onProgress });
 *   await lib.search.search({ text: 'a red bicycle' }); await lib.close();
 */
import { join } from 'node:path';
import type { Curation } from '../curate/curation';
import { curationFor } from '../curate/library-curation';
import type { JobProgress } from '../jobs/job-progress';
import { ImportSession, libraryFiles } from '../ingest/import-session';
import type { EmbedderSettings } from '../model/embedder';
import { ImageTokenCache } from '../search/image-token-cache';
import { IDENTITY_CALIBRATION, type ItmCalibration } from '../search/itm-calibration';
import { LibrarySearch } from '../search/library-search';
import { ModelQueryEncoder } from '../search/model-query-encoder';
import { calibrationKey } from '../search/search-session';
import { LibraryModelVersions, type FineTuneUpdate } from '../train/library-model-versions';
import { MediaCatalog } from './media-catalog';

export interface OpenLibraryOptions {
  library: string;
  bundleDir: string;
  embedder?: EmbedderSettings;
  onProgress?: (p: JobProgress) => void;
  /** Fine-tune loss points and ETA (issue #10). */
  onFineTune?: (u: FineTuneUpdate) => void;
}

export interface OpenLibrary {
  readonly dbFile: string;
  readonly bundleDir: string;
  readonly session: ImportSession;
  readonly search: LibrarySearch;
  readonly catalog: MediaCatalog;
  /** Review queue and corrections (issue #9); scores pairs after each import and for a new model version. */
  readonly curation: Curation;
  /** Model versions (issue #10): the active version's search, fine-tune job, rollback. */
  readonly versions: LibraryModelVersions;
  close(): Promise<void>;
}

export async function openLibrary(options: OpenLibraryOptions): Promise<OpenLibrary> {
  const { dbFile, cacheDir } = libraryFiles(options.library);
  // A finished import is followed by a curation scoring run; the curation is built after the session, hence the box.
  let curation: Curation | null = null;
  let versions: LibraryModelVersions | null = null;
  let lastCatchUp = 0;
  const session = await ImportSession.open({
    library: options.library,
    bundleDir: options.bundleDir,
    ...(options.embedder ? { embedder: options.embedder } : {}),
    onProgress: (p) => {
      options.onProgress?.(p);
      curation?.onJobProgress(p);
      // A fine-tuned active version takes in what an import just committed (issue #10); at most once a second
      // while a job runs (each catch-up looks for rows the version lacks), and at every state change.
      if (p.kind !== 'fine-tune' && (p.state !== 'running' || Date.now() - lastCatchUp >= 1000)) {
        lastCatchUp = Date.now();
        versions?.catchUp();
      }
    },
  });
  try {
    const { store, embedder, model } = session;
    const encoder = new ModelQueryEncoder(embedder, model.name);
    const calibration =
      (store.settings.get(calibrationKey(model.name)) as ItmCalibration | undefined) ?? IDENTITY_CALIBRATION;
    const tokenCache = new ImageTokenCache(join(cacheDir, 'itm-tokens'), 512 * 1024 * 1024);
    const search = new LibrarySearch({
      store,
      encoder,
      modelVersionId: session.ingest.modelVersionId,
      images: session.images,
      captions: session.captions,
      tokenCache,
      calibration,
    });
    const modelVersions = new LibraryModelVersions({
      store,
      embedder,
      bundleDir: options.bundleDir,
      runner: session.ingest.runner,
      base: search,
      tokenCache,
      calibration,
      ...(options.onFineTune ? { onFineTune: options.onFineTune } : {}),
    });
    versions = modelVersions;
    const catalog = new MediaCatalog({
      store,
      browse: store.browse,
      thumbnails: session.ingest.thumbnails,
      modelVersionId: session.ingest.modelVersionId,
      embedder,
      bundleDir: options.bundleDir,
    });
    curation = await curationFor(session);
    curation.ensureScored();
    // Imports a crash or quit interrupted resume at their cursors; imported folders are watched again (issue #7).
    session.ingest.resume({ watch: true });
    return {
      dbFile,
      bundleDir: options.bundleDir,
      session,
      search,
      catalog,
      curation,
      versions: modelVersions,
      close: async () => {
        modelVersions.dispose();
        await session.close();
      },
    };
  } catch (e) {
    await session.close();
    throw e;
  }
}
