/**
 * The app's library composition root (DESIGN.md §1 `engine/library.ts`): one store, one model, both indexes, the
 * ingest jobs, search and the photo catalog over the SAME store and indexes, so that a photo imported by a job is
 * searchable the moment its batch commits (issue #8 "the new items become searchable"). Close order is the reverse.
 *
 * @example
 *   const lib = await openLibrary({ library: '~/lib', bundleDir: 'resources/models/albef-emoji-small', onProgress });
 *   await lib.search.search({ text: 'a red bicycle' }); await lib.close();
 */
import { dirname, join, resolve } from 'node:path';
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
import { LibrarySettings } from './library-settings';
import { MediaCatalog } from './media-catalog';
import { bundleToLoad, embedderSettingsOf, peekRuntimePreferences } from './runtime-preferences';

export interface OpenLibraryOptions {
  library: string;
  /** The host's bundle: loaded unless the library's Settings chose another (runtime-preferences.ts). */
  bundleDir: string;
  /** `bundleDir` was named by the person (`--model`): it wins over the bundle chosen in Settings. */
  bundleFromCommandLine?: boolean;
  /** Where Settings looks for bundles to offer (folders holding bundle folders); default: the host bundle's parent. */
  bundleParents?: readonly string[];
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
  /** Settings (issue #8): runtime choices for the next model load, bundles to choose from, removing a root. */
  readonly settings: LibrarySettings;
  /** Review queue and corrections (issue #9); scores pairs after each import and for a new model version. */
  readonly curation: Curation;
  /** Model versions (issue #10): the active version's search, fine-tune job, rollback. */
  readonly versions: LibraryModelVersions;
  close(): Promise<void>;
}

export async function openLibrary(options: OpenLibraryOptions): Promise<OpenLibrary> {
  const { dbFile, cacheDir } = libraryFiles(options.library);
  // Settings chosen in the UI apply here, at the model load (they are stored in the library itself).
  const prefs = peekRuntimePreferences(dbFile);
  const fromCommandLine = options.bundleFromCommandLine ?? false;
  const chosenBundle = bundleToLoad(options.bundleDir, fromCommandLine, prefs);
  const embedderSettings = { ...embedderSettingsOf(prefs), ...options.embedder };
  let bundleDir = chosenBundle;
  let loadProblem: string | null = null;
  // A finished import is followed by a curation scoring run; the curation is built after the session, hence the box.
  let curation: Curation | null = null;
  let versions: LibraryModelVersions | null = null;
  let lastCatchUp = 0;
  const sessionOptions = (dir: string) => ({
    library: options.library,
    bundleDir: dir,
    embedder: embedderSettings,
    onProgress: (p: JobProgress) => {
      options.onProgress?.(p);
      // A fine-tuned active version takes in what an import just committed (issue #10); at most once a second
      // while a job runs (each catch-up looks for rows the version lacks), and at every state change. Before
      // curation hears of the finished import, so its rescoring sees the new pairs in that version.
      if (p.kind !== 'fine-tune' && (p.state !== 'running' || Date.now() - lastCatchUp >= 1000)) {
        lastCatchUp = Date.now();
        versions?.catchUp();
      }
      curation?.onJobProgress(p);
    },
  });
  let session: ImportSession;
  try {
    session = await ImportSession.open(sessionOptions(chosenBundle));
  } catch (e) {
    // A bundle chosen in Settings that no longer loads must not lock the person out of their library: open it
    // with the host's bundle and say why in Settings (a `--model` bundle that fails is an error as before).
    if (chosenBundle === options.bundleDir) throw e;
    loadProblem = `the chosen bundle ${chosenBundle} did not load (${(e as Error).message}); using ${options.bundleDir}`;
    bundleDir = options.bundleDir;
    session = await ImportSession.open(sessionOptions(bundleDir));
  }
  try {
    const { store, embedder, model } = session;
    // Queries are encoded in the import's worker-thread EmbeddingService when there is one, so a search never
    // holds the thread that serves requests for an ONNX run (issue #6; the in-process Embedder is the fallback).
    const queryModel = session.service ?? embedder;
    const encoder = new ModelQueryEncoder(queryModel, model.name);
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
      embedder: queryModel,
      bundleDir,
      runner: session.ingest.runner,
      base: search,
      tokenCache,
      calibration,
      ...(options.onFineTune ? { onFineTune: options.onFineTune } : {}),
      // The review queue scores and ranks with the active version (issue #10); corrected captions are still
      // re-encoded under the bundle's version, whose features every version shares.
      onSwitch: (t) => curation?.useModelVersion(t.modelVersionId, t.momentum, undefined, t.featureVersionId),
    });
    versions = modelVersions;
    const catalog = new MediaCatalog({
      store,
      browse: store.browse,
      thumbnails: session.ingest.thumbnails,
      modelVersionId: session.ingest.modelVersionId,
    });
    const settings = new LibrarySettings({
      store,
      // Graphs open on first use in two places: the worker (imports, queries) and this thread (curation); the
      // worker's report wins for a graph open in both, as that is where searches and imports run.
      embedder: {
        manifest: embedder.manifest,
        providers: async () => ({ ...(await embedder.providers()), ...(await session.service?.providers()) }),
      },
      loaded: {
        bundleDir,
        hostBundleDir: options.bundleDir,
        bundleFromCommandLine: fromCommandLine,
        prefs,
        loadProblem,
      },
      modelVersionId: session.ingest.modelVersionId,
      bundleSha256: model.bundleSha256,
      bundleParents: options.bundleParents ?? [dirname(resolve(options.bundleDir))],
      ingest: session.ingest,
      dropVector: (modelVersionId, space, label) => {
        if (modelVersionId !== session.ingest.modelVersionId) return; // other versions rebuild from rows on load
        (space === 'image' ? session.images : session.captions).delete(label);
      },
    });
    curation = await curationFor(session);
    const target = modelVersions.curationTarget();
    curation.useModelVersion(target.modelVersionId, target.momentum, undefined, target.featureVersionId);
    curation.ensureScored();
    // Imports a crash or quit interrupted resume at their cursors; imported folders are watched again (issue #7).
    session.ingest.resume({ watch: true, skipRoots: settings.skippedRoots() });
    return {
      dbFile,
      bundleDir,
      session,
      search,
      catalog,
      settings,
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
