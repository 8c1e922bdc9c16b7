/**
 * Filtered search: exact over the filter's rows vs HNSW's filtered search, per selectivity, on the same
 * vectors and queries in one run — the data behind LibrarySearch's `exactFilterMax` switch.
 *
 *   npx tsx bench/index/filters.ts [--n 30000] [--queries 100]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LibraryStore } from '../../main/engine/store/library-store';
import { randomUnitVector, rng } from '../../main/engine/store/test-support/seed';
import { VectorIndex } from '../../main/engine/vector/vector-index';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '30000' }, queries: { type: 'string', default: '100' } },
});
const n = Number(values.n);
const nq = Number(values.queries);
const dim = 256;
const K = 10;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const dir = mkdtempSync(join(tmpdir(), 'pairscope-bench-filters-'));
try {
  const next = rng(7);
  const centres = Array.from({ length: n / 50 }, () => randomUnitVector(dim, next));
  const draw = () => {
    const c = centres[Math.floor(next() * centres.length)]!;
    const g = randomUnitVector(dim, next);
    const v = new Float32Array(dim);
    for (let i = 0; i < dim; i++) v[i] = c[i]! + 0.75 * g[i]!;
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const store = LibraryStore.open(join(dir, 'f.pairscope'));
  const mv = store.modelVersions.ensure({ name: 'f@1', embedDim: dim, featureDim: 8 }).id;
  const labels = store.transaction(() =>
    Array.from({ length: n }, (_, i) => {
      const mediaId = store.media.upsert({
        path: `/p/${i}.jpg`,
        root: '/p',
        contentHash: `h${i}`,
        size: 1,
        mtimeMs: i,
        kind: 'jpeg',
      });
      return store.vectors.upsertImage(mv, mediaId, draw()).label;
    }),
  );
  const index = VectorIndex.open(store, mv, 'image', { dim, exactBelow: 0 });
  const queries = Array.from({ length: nq }, draw);
  const rows: string[] = [];
  for (const fraction of [0.005, 0.02, 0.1, 0.3, 0.7]) {
    const allowedLabels = labels.filter((_, i) => (i * 2654435761) % 1000 < fraction * 1000);
    const allowed = new Set(allowedLabels);
    const exactMs: number[] = [];
    const hnswMs: number[] = [];
    let found = 0;
    for (const q of queries) {
      let t = performance.now();
      const exact = index.searchExact(q, K, allowedLabels);
      exactMs.push(performance.now() - t);
      t = performance.now();
      const approx = index.search(q, K, (l) => allowed.has(l));
      hnswMs.push(performance.now() - t);
      const truth = new Set(exact.map((h) => h.label));
      found += approx.filter((h) => truth.has(h.label)).length;
    }
    rows.push(
      `| ${(fraction * 100).toFixed(1)} % | ${allowedLabels.length} | ${pct(exactMs, 0.5).toFixed(2)} ms | ` +
        `${pct(hnswMs, 0.5).toFixed(2)} ms | ${(found / (nq * K)).toFixed(4)} |`,
    );
    process.stderr.write(`${rows.at(-1)}\n`);
  }
  index.dispose({ persist: false });
  store.close();
  console.log(`n = ${n}, ${nq} queries, k = ${K}, ef = ${index.params.efSearch}\n`);
  console.log(
    '| filter keeps | rows | exact over rows p50 | HNSW filtered p50 | HNSW filtered recall@10 |\n|---|---|---|---|---|',
  );
  console.log(rows.join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
