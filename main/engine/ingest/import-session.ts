/**
 * A headless composition root for imports (CLI `import`, the demo library, bench/ingest): opens the library
 * (creating it if needed), the model bundle, both vector indexes and the ingest jobs, and closes them in
 * reverse order. The app's own library composition can reuse `libraryFiles` and `LibraryIngest` directly.
 *
 * Library layout: a path ending in `.pairscope` is the SQLite file itself, with its cache beside it in
 * `<file>.cache/`; any other path is a folder holding `library.pairscope` and `cache/`.
 *
 * @example
 *   const s = await ImportSession.open({ library: '~/Pictures/lib', bundleDir: 'resources/models/albef-emoji-small' });
 *   const summary = await s.ingest.finished(s.ingest.importFolder('~/Pictures')); await s.close();
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { JobProgress } from '../jobs/job-progress';
import { Embedder, type EmbedderSettings } from '../model/embedder';
import { EmbeddingService } from '../model/embedding-service';
import { LibraryStore } from '../store/library-store';
import { VectorIndex } from '../vector/vector-index';
import type { IngestModel } from './ingest-model';
import { LibraryIngest, type LibraryIngestParts } from './library-ingest';
import { ingestModelOf, pixelEmbedderOf } from './model-adapter';

export function libraryFiles(library: string): { dbFile: string; cacheDir: string } {
  const abs = resolve(library);
  if (abs.endsWith('.pairscope')) return { dbFile: abs, cacheDir: `${abs}.cache` };
  return { dbFile: join(abs, 'library.pairscope'), cacheDir: join(abs, 'cache') };
}

export interface ImportSessionOptions {
  library: string;
  bundleDir: string;
  embedder?: EmbedderSettings;
  /** Run import batches in R's worker-thread EmbeddingService (default true). */
  modelWorker?: boolean;
  onProgress?: (p: JobProgress) => void;
  batchSize?: number;
  concurrency?: number;
}

export class ImportSession {
  private constructor(
    readonly store: LibraryStore,
    /**
     * The model in process, for one-at-a-time work (open-library.ts hands it to search and the catalog). Its
     * graphs open on first use, so an import alone never loads them here.
     */
    readonly embedder: Embedder,
    /**
     * The model in a worker thread, for import batches: onnxruntime-node's run() holds the calling thread for
     * the whole batch (bench/ingest measured 33 s event-loop stalls with ALBEF-B in process). Null when
     * `modelWorker: false`.
     */
    readonly service: EmbeddingService | null,
    readonly model: IngestModel,
    readonly images: VectorIndex,
    readonly captions: VectorIndex,
    readonly ingest: LibraryIngest,
  ) {}

  static async open(options: ImportSessionOptions): Promise<ImportSession> {
    const { dbFile, cacheDir } = libraryFiles(options.library);
    // The bundle is checked before the library is created, so a wrong --model leaves no empty library behind.
    const embedder = await Embedder.open(options.bundleDir, {
      bundle: { verify: 'full' },
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      ...options.embedder,
    });
    let store: LibraryStore | undefined;
    let service: EmbeddingService | null = null;
    try {
      if (options.modelWorker ?? true) {
        const { backend: _inProcessOnly, ...settings } = options.embedder ?? {};
        service = await EmbeddingService.start(options.bundleDir, {
          ...(options.batchSize ? { batchSize: options.batchSize } : {}),
          ...settings,
          bundle: { verify: 'size' }, // verified in full just above
        });
      }
      const model = await ingestModelOf(service ?? pixelEmbedderOf(embedder), options.bundleDir);
      mkdirSync(dirname(dbFile), { recursive: true });
      mkdirSync(cacheDir, { recursive: true });
      store = LibraryStore.open(dbFile);
      const s = store;
      const mv = s.modelVersions.ensure({
        name: model.name,
        embedDim: model.embedDim,
        featureDim: model.featureDim,
        bundleSha256: model.bundleSha256,
      });
      const images = VectorIndex.open(s, mv.id, 'image', { dim: model.embedDim });
      const captions = VectorIndex.open(s, mv.id, 'text', { dim: model.embedDim });
      const parts: LibraryIngestParts = {
        store: s,
        model,
        imageIndex: images,
        textIndex: captions,
        cacheDir,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      };
      return new ImportSession(s, embedder, service, model, images, captions, new LibraryIngest(parts));
    } catch (e) {
      store?.close();
      await service?.dispose();
      await embedder.dispose();
      throw e;
    }
  }

  /** Reverse order of opening: jobs stop after their batch, graphs are persisted, then the db and the model. */
  async close(): Promise<void> {
    await this.ingest.dispose();
    this.captions.dispose({ persist: true });
    this.images.dispose({ persist: true });
    this.store.close();
    await this.service?.dispose();
    await this.embedder.dispose();
  }
}
