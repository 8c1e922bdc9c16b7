/**
 * Where each worker thread's entry script lies, from source and in the build — the one list both the engines that
 * start workers and the build (electron.vite.config.ts) read, so a worker cannot be started without being built.
 *
 * - From source (tsx, vitest, `npx pairscope`): this module is `main/engine/worker-entry.ts`; a worker thread does
 *   not inherit the parent's TypeScript loader, so it starts `<name>.boot.mjs` beside the worker's `.ts`, which
 *   registers tsx and imports the TypeScript entry.
 * - In the electron-vite bundle: this module is inlined into a file of `out/main/` (entries and chunks are written
 *   flat there, see electron.vite.config.ts), and each worker is built as its own entry `out/main/<name>.js`.
 *
 * Example: `new Worker(workerEntryUrl('prepare-worker'))`
 */

/** Worker name → its TypeScript entry, relative to the repository root. Add a worker here and nowhere else. */
export const workerEntries = {
  'prepare-worker': 'main/engine/ingest/prepare-worker.ts',
  'embedding-worker': 'main/engine/model/embedding-worker.ts',
  'fine-tune-worker': 'main/engine/train/fine-tune-worker.ts',
  'graph-build-worker': 'main/engine/train/graph-build-worker.ts',
} as const;
export type WorkerEntryName = keyof typeof workerEntries;

/** The URL to give `new Worker()` for the named worker, in whichever form (source or bundle) this code runs. */
export function workerEntryUrl(name: WorkerEntryName, selfUrl: string = import.meta.url): URL {
  if (selfUrl.endsWith('.ts')) {
    const fromEngine = workerEntries[name].replace(/^main\/engine\//, './').replace(/\.ts$/, '.boot.mjs');
    return new URL(fromEngine, selfUrl);
  }
  return new URL(`./${name}.js`, selfUrl);
}
