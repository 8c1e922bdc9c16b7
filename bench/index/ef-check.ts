/**
 * Runs VectorIndex's efSearch self-calibration again on an existing library's stored graph (e.g. one kept by
 * `run.ts --keep`), to compare its pick with the recall on fresh queries that run measured.
 *
 *   npx tsx bench/index/ef-check.ts --library /tmp/pairscope-bench-index-XXXX/bench.pairscope [--version bench@1]
 */
import { parseArgs } from 'node:util';
import hnswlib from 'hnswlib-node';
import { LibraryStore } from '../../main/engine/store/library-store';
import { calibrateEf } from '../../main/engine/vector/ef-calibration';
import { defaultGraphCacheDir } from '../../main/engine/vector/graph-blob';
import { VectorIndex } from '../../main/engine/vector/vector-index';
import { join } from 'node:path';

const { values } = parseArgs({
  options: { library: { type: 'string' }, version: { type: 'string', default: 'bench@1' } },
});
if (!values.library) throw new Error('--library is required');
const store = LibraryStore.open(values.library);
try {
  const mv = store.modelVersions.byName(values.version!)!;
  const index = VectorIndex.open(store, mv.id, 'image', { dim: mv.embedDim });
  process.stderr.write(
    `opened: ${JSON.stringify(index.status)}; stored calibration ${JSON.stringify(index.efCalibration)}\n`,
  );
  const size = index.size;
  index.dispose({ persist: false });
  // The same graph, read straight from its verified copy, searched the way VectorIndex searches it.
  const h = new hnswlib.HierarchicalNSW('ip', mv.embedDim);
  h.readIndexSync(join(defaultGraphCacheDir(store.file), `${mv.id}-image.hnsw`));
  const cal = calibrateEf({
    rows: () => store.vectors.iterate(mv.id, 'image'),
    count: size,
    search: (q, k, ef) => {
      h.setEf(ef);
      const r = h.searchKnn(Array.from(q), k);
      return r.neighbors.map((label, i) => ({ label, score: 1 - r.distances[i]! }));
    },
    seed: 100,
  });
  console.log(JSON.stringify(cal));
} finally {
  store.close();
}
