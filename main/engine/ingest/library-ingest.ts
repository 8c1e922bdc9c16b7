/**
 * Ingest for one open library: registers the `import-folder` and `import-pairs` jobs on a JobRunner, and turns
 * a finished job into the summary the CLI prints and the API returns (issue #7: imported, skipped, failed as
 * `{path, reason}`). Receives its parts (store, model, indexes) from the composition root; owns the runner.
 *
 * @example
 *   const ingest = new LibraryIngest({ store, model, imageIndex, textIndex, cacheDir, onProgress });
 *   const id = ingest.importFolder('/photos'); console.log(await ingest.finished(id)); await ingest.dispose();
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { JobRunner } from '../jobs/job-runner';
import type { JobProgress } from '../jobs/job-progress';
import type { Job } from '../store/job-queries';
import type { LibraryStore } from '../store/library-store';
import { DecodePool } from './decode-pool';
import { importFolderJob, type FolderImportParams } from './folder-import';
import { watchFolder, type FolderWatcher } from './folder-watcher';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from './image-decode';
import type { IngestIndex, IngestModel } from './ingest-model';
import { DEFAULT_MAX_FILE_BYTES } from './media-prepare';
import { parseCursor, type ImportCounts, type PipelineDeps, type PipelineTiming } from './media-pipeline';
import { importPairsJob, type PairsImportParams } from './pairs-import';
import { ThumbnailCache } from './thumbnails';

export interface LibraryIngestParts {
  store: LibraryStore;
  model: IngestModel;
  imageIndex?: IngestIndex;
  textIndex?: IngestIndex;
  /** The library's cache folder (thumbnails go to `<cacheDir>/thumbs`). */
  cacheDir: string;
  onProgress?: (p: JobProgress) => void;
  batchSize?: number;
  concurrency?: number;
  /** Worker threads that decode (default: 2; 0 decodes on this thread). */
  decodeWorkers?: number;
  limits?: Partial<DecodeLimits & { maxFileBytes: number }>;
}

export interface ImportSummary extends ImportCounts {
  jobId: number;
  kind: string;
  state: Job['state'];
  done: number;
  total: number | null;
  createdAt: number;
  updatedAt: number;
  failedFiles: { path: string; reason: string }[];
  error: unknown;
}

export class LibraryIngest {
  readonly runner: JobRunner;
  readonly modelVersionId: number;
  readonly thumbnails: ThumbnailCache;
  /** Timing of the last pipeline run of each job in this process (bench/ingest reads it). */
  readonly timings = new Map<number, PipelineTiming>();
  private readonly watchers = new Map<string, FolderWatcher>();
  private readonly pool: DecodePool | null;

  constructor(private readonly parts: LibraryIngestParts) {
    const { store, model } = parts;
    this.modelVersionId = store.modelVersions.ensure({
      name: model.name,
      embedDim: model.embedDim,
      featureDim: model.featureDim,
      bundleSha256: model.bundleSha256,
    }).id;
    this.thumbnails = new ThumbnailCache(parts.cacheDir);
    this.runner = new JobRunner(store, parts.onProgress ? { onProgress: parts.onProgress } : {});
    const workers = parts.decodeWorkers ?? 2;
    this.pool = workers > 0 ? new DecodePool(workers) : null;
    const deps: PipelineDeps = {
      store,
      modelVersionId: this.modelVersionId,
      imageSpec: model.imageSpec,
      thumbnails: this.thumbnails,
      limits: { ...DEFAULT_DECODE_LIMITS, maxFileBytes: DEFAULT_MAX_FILE_BYTES, ...parts.limits },
      model,
      ...(parts.imageIndex ? { imageIndex: parts.imageIndex } : {}),
      ...(parts.textIndex ? { textIndex: parts.textIndex } : {}),
      batchSize: parts.batchSize ?? 16,
      concurrency: parts.concurrency ?? 4,
      ownPaths: this.ownPaths(),
      ...(this.pool ? { pool: this.pool } : {}),
    };
    this.runner.register<FolderImportParams>('import-folder', async (ctx) => {
      this.timings.set(ctx.jobId, (await importFolderJob(ctx, deps)).timing);
    });
    this.runner.register<PairsImportParams>('import-pairs', async (ctx) => {
      this.timings.set(ctx.jobId, (await importPairsJob(ctx, deps)).timing);
    });
  }

  importFolder(root: string): number {
    return this.runner.enqueue('import-folder', { root: resolve(root) } satisfies FolderImportParams);
  }

  importPairs(file: string, roots?: string[]): number {
    const params: PairsImportParams = {
      file: resolve(file),
      ...(roots && roots.length > 0 ? { roots: roots.map((r) => resolve(r)) } : {}),
    };
    return this.runner.enqueue('import-pairs', params);
  }

  /**
   * What a composition root calls once after opening the library: jobs a crash or quit interrupted resume at
   * their cursors, and (with `watch`) every folder imported before is watched again, except `skipRoots` (roots the
   * person removed from the library in Settings). Returns the resumed ids.
   */
  resume(options: { watch?: boolean; skipRoots?: ReadonlySet<string> } = {}): number[] {
    const resumed = this.runner.resumeUnfinished();
    if (options.watch) {
      const roots = new Set(
        this.runner
          .list(500)
          .filter((j) => j.kind === 'import-folder')
          .map((j) => (j.params as FolderImportParams).root),
      );
      for (const root of roots) if (existsSync(root) && !options.skipRoots?.has(root)) this.watch(root);
    }
    return resumed;
  }

  /**
   * Keeps an imported folder in sync while the app runs: a debounced burst of changes queues one rescan
   * (an `import-folder` job: unchanged files cost a stat and a lookup, moved ones are re-pointed). Returns the
   * watcher; dispose() of this object disposes every watcher it made.
   */
  watch(root: string, options: { debounceMs?: number; poll?: boolean; pollIntervalMs?: number } = {}): FolderWatcher {
    const abs = resolve(root);
    this.watchers.get(abs)?.dispose();
    const watcher = watchFolder(abs, {
      ...options,
      ignore: this.ownPaths(),
      onBatch: () => {
        // One pending rescan per folder is enough: it will see every change made before it starts.
        const pending = this.runner
          .list(50)
          .some(
            (j) => j.state === 'queued' && j.kind === 'import-folder' && (j.params as FolderImportParams).root === abs,
          );
        if (!pending) this.importFolder(abs);
      },
    });
    this.watchers.set(abs, watcher);
    return watcher;
  }

  /** Stops keeping `root` in sync (the library root was removed); false if it was not watched. */
  unwatch(root: string): boolean {
    const abs = resolve(root);
    const watcher = this.watchers.get(abs);
    watcher?.dispose();
    return this.watchers.delete(abs);
  }

  /** The database file (and its -wal/-shm/.lock siblings, matched by prefix) and the cache folder. */
  private ownPaths(): string[] {
    return [this.parts.store.file, this.parts.cacheDir].map((p) => resolve(p));
  }

  /** Waits for the job to end and summarises it. */
  async finished(jobId: number): Promise<ImportSummary> {
    await this.runner.wait(jobId);
    return this.summary(jobId);
  }

  summary(jobId: number): ImportSummary {
    const job = this.parts.store.jobs.byId(jobId);
    if (!job) throw Object.assign(new Error(`no job ${jobId}`), { code: 'JOB_NOT_FOUND' });
    const { counts } = parseCursor(job.cursor);
    return {
      jobId,
      kind: job.kind,
      state: job.state,
      done: job.progressDone,
      total: job.progressTotal,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      ...counts,
      failedFiles: this.parts.store.ingest.jobErrors(jobId),
      error: job.error,
    };
  }

  /** Stops the running job after its current batch (it resumes at the next open). */
  async dispose(): Promise<void> {
    for (const w of this.watchers.values()) w.dispose();
    this.watchers.clear();
    await this.runner.dispose();
    await this.pool?.dispose();
  }
}
