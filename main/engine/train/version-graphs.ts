/**
 * Builds a new model version's HNSW graphs off the request thread (issue #10: after a fine-tune every vector
 * of the version is new, so both graphs are built from scratch — 17.6 s at 10,000 pairs under load, which
 * on the main thread froze the app). One worker per space, both at once; each builds exactly the graph
 * `VectorIndex.rebuild()` would (graph-build-worker.ts). This thread only reads the rows before and stores
 * the finished graphs after, in the same record `VectorIndex.persist()` writes, so the next
 * `VectorIndex.open` of the version finds a current graph and loads it instead of rebuilding.
 *
 * The version is not active while this runs (the switch is the settings write after it), so no search and no
 * catch-up touches its rows; the revision is read before the rows all the same, so a row added in between
 * makes the stored graph "behind" and the index catches it up on open rather than trusting it.
 *
 * Example: await buildVersionGraphs(store, version.id, 256); VectorIndex.open(store, version.id, 'image', { dim: 256 });
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LibraryStore } from '../store/library-store';
import type { VectorSpace } from '../store/media-filter';
import { fileChunks } from '../vector/graph-blob';
import { DEFAULT_HNSW_PARAMS, type HnswParams } from '../vector/vector-index';
import { workerEntryUrl } from '../worker-entry';
import type { GraphBuildRequest } from './graph-build-worker';

export interface VersionGraphsReport {
  /** Vectors per space. */
  counts: Record<VectorSpace, number>;
  /** Wall time of the builds (in the workers, in parallel). */
  buildSeconds: number;
  /** Main-thread time: reading the rows and storing the graphs. */
  mainThreadSeconds: number;
}

function runWorker(request: GraphBuildRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerEntryUrl('graph-build-worker'));
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      f();
    };
    worker.on('message', (m: { type: 'done'; count: number } | { type: 'error'; message: string }) =>
      finish(() =>
        m.type === 'done' ? resolve(m.count) : reject(new Error(`graph build for ${request.file}: ${m.message}`)),
      ),
    );
    worker.on('error', (e) => finish(() => reject(new Error(`graph build worker crashed: ${e.message}`))));
    worker.on('exit', (code) => finish(() => reject(new Error(`graph build worker exited with code ${code}`))));
    worker.postMessage(request, [request.labels.buffer as ArrayBuffer, request.vectors.buffer as ArrayBuffer]);
  });
}

/** Builds and stores both graphs of `modelVersionId`; a space with no rows is left without a graph. */
export async function buildVersionGraphs(
  store: LibraryStore,
  modelVersionId: number,
  dim: number,
  params: HnswParams = DEFAULT_HNSW_PARAMS,
): Promise<VersionGraphsReport> {
  let main = 0;
  let t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'pairscope-version-graphs-'));
  try {
    const jobs = (['image', 'text'] as const).map((space) => {
      const revision = store.graphs.revision(modelVersionId, space);
      const removals = store.graphs.removals(modelVersionId, space);
      const count = store.vectors.count(modelVersionId, space);
      const labels = new Float64Array(count);
      const vectors = new Float32Array(count * dim);
      let n = 0;
      for (const { label, vector } of store.vectors.iterate(modelVersionId, space)) {
        if (n === count || vector.length !== dim)
          throw new Error(`version ${modelVersionId} ${space}: rows changed or a vector is not ${dim}-d while reading`);
        labels[n] = label;
        vectors.set(vector, n * dim);
        n++;
      }
      const maxLabel = count ? labels[count - 1]! : -1;
      return { space, revision, removals, count, maxLabel, file: join(dir, `${space}.hnsw`), labels, vectors };
    });
    main += performance.now() - t0;

    t0 = performance.now();
    await Promise.all(
      jobs
        .filter((j) => j.count > 0)
        .map((j) => runWorker({ dim, params, labels: j.labels, vectors: j.vectors, file: j.file })),
    );
    const buildSeconds = (performance.now() - t0) / 1000;

    t0 = performance.now();
    for (const j of jobs.filter((x) => x.count > 0)) {
      const { chunks, finish } = fileChunks(j.file);
      // The record VectorIndex.persist() writes for a freshly built graph (no deletions yet).
      const head = {
        elementCount: j.count,
        revision: j.revision,
        removals: j.removals,
        maxLabel: j.maxLabel,
        params: { ...params, dim, deletedCount: 0 },
      };
      store.transaction(() => store.graphs.write(modelVersionId, j.space, head, chunks, finish));
    }
    main += performance.now() - t0;
    return {
      counts: { image: jobs[0]!.count, text: jobs[1]!.count },
      buildSeconds,
      mainThreadSeconds: main / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
