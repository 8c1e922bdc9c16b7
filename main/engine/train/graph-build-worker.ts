/**
 * worker_threads entry that builds one HNSW graph (issue #10: the index rebuild after a fine-tune runs off the
 * thread that serves requests). It builds exactly what `VectorIndex.rebuild()` builds — same parameters, same
 * seed, the rows in the same (label) order, so the same graph — and writes it with hnswlib's own writer to
 * the file it is given; the parent stores it as the version's graph (version-graphs.ts).
 *
 * Protocol: parent → worker `GraphBuildRequest`; worker → parent `{ type: 'done', count }` | `{ type: 'error', message }`.
 */
import { parentPort } from 'node:worker_threads';
import hnswlib from 'hnswlib-node';
import type { HnswParams } from '../vector/vector-index';

export interface GraphBuildRequest {
  dim: number;
  params: HnswParams;
  /** Embedding row ids, ascending (the order `store.vectors.iterate` gives and `rebuild()` inserts in). */
  labels: Float64Array;
  /** [labels.length, dim] */
  vectors: Float32Array;
  file: string;
}

export function buildGraphFile(r: GraphBuildRequest): number {
  const count = r.labels.length;
  const h = new hnswlib.HierarchicalNSW('ip', r.dim);
  // Same capacity rule as VectorIndex.rebuild(): room for a quarter more before the first resize.
  h.initIndex({
    maxElements: Math.max(1024, Math.ceil(count * 1.25)),
    m: r.params.m,
    efConstruction: r.params.efConstruction,
    randomSeed: r.params.seed,
  });
  for (let i = 0; i < count; i++) h.addPoint(Array.from(r.vectors.subarray(i * r.dim, (i + 1) * r.dim)), r.labels[i]!);
  h.writeIndexSync(r.file);
  return count;
}

const port = parentPort;
if (port) {
  port.once('message', (r: GraphBuildRequest) => {
    try {
      port.postMessage({ type: 'done', count: buildGraphFile(r) });
    } catch (e) {
      port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  });
}
