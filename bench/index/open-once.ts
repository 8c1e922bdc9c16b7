/**
 * One open of a kept library's stored graph in a fresh process, from the blob or from the cached file copy:
 * run alternately to compare the two without one open's memory or dirty pages weighing on the other.
 *
 *   for i in 1 2; do for f in blob cache; do npx tsx bench/index/open-once.ts --library L --from $f; done; done
 */
import { parseArgs } from 'node:util';
import { LibraryStore } from '../../main/engine/store/library-store';
import { VectorIndex } from '../../main/engine/vector/vector-index';

const { values } = parseArgs({
  options: {
    library: { type: 'string' },
    from: { type: 'string', default: 'cache' },
    version: { type: 'string', default: 'bench@1' },
  },
});
if (!values.library || !['blob', 'cache'].includes(values.from!)) throw new Error('--library L --from blob|cache');
const t0 = performance.now();
const store = LibraryStore.open(values.library);
const mv = store.modelVersions.byName(values.version!)!;
const t1 = performance.now();
const index = VectorIndex.open(store, mv.id, 'image', {
  dim: mv.embedDim,
  ...(values.from === 'blob' ? { graphCacheDir: null } : {}),
});
const openMs = performance.now() - t1;
const st = index.status;
if (st.state !== 'loaded' || st.from !== values.from)
  throw new Error(`expected a load from ${values.from}: ${JSON.stringify(st)}`);
console.log(
  JSON.stringify({
    from: st.from,
    elementCount: st.elementCount,
    indexOpenMs: openMs,
    withStoreMs: performance.now() - t0,
  }),
);
index.dispose({ persist: false });
store.close();
