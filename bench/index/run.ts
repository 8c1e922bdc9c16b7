/**
 * HNSW-in-SQLite benchmark (issue #6, DESIGN.md §7): random 256-d unit vectors stored as library rows,
 * graph built and persisted through VectorIndex, then in the same run: query p50/p99 per ef, recall@10
 * against exact search on the same vectors, open time from the stored graph against a rebuild, file size.
 *
 *   npx tsx bench/index/run.ts --n 100000 [--queries 500] [--ef 32,64,128,256] [--m 16] [--efc 200] [--out f.json]
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LibraryStore } from '../../main/engine/store/library-store';
import { randomUnitVector, rng, seedImages } from '../../main/engine/store/test-support/seed';
import { exactTopK } from '../../main/engine/vector/exact-search';
import { VectorIndex } from '../../main/engine/vector/vector-index';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    queries: { type: 'string' },
    ef: { type: 'string', default: '64,128,256,512,1024' },
    m: { type: 'string', default: '32' },
    efc: { type: 'string', default: '200' },
    dim: { type: 'string', default: '256' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const n = Number(values.n);
const dim = Number(values.dim);
const nq = Number(values.queries ?? (n >= 1_000_000 ? 200 : 500));
const efs = values.ef!.split(',').map(Number);
const params = { m: Number(values.m), efConstruction: Number(values.efc) };
const K = 10;

const log = (s: string) => process.stderr.write(`[bench/index ${new Date().toISOString()}] ${s}\n`);
const ms = (t0: number) => performance.now() - t0;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

const dir = mkdtempSync(join(tmpdir(), 'pairscope-bench-index-'));
const file = join(dir, 'bench.pairscope');
try {
  log(`n=${n} dim=${dim} queries=${nq} M=${params.m} efC=${params.efConstruction} cpus=${cpus().length} dir=${dir}`);
  const next = rng(12345);
  const data: Float32Array[] = [];
  for (let i = 0; i < n; i++) data.push(randomUnitVector(dim, next));
  const queries = Array.from({ length: nq }, () => randomUnitVector(dim, next));

  let store = LibraryStore.open(file);
  const mv = store.modelVersions.ensure({ name: 'bench@1', embedDim: dim, featureDim: 768 }).id;
  let t0 = performance.now();
  for (let i = 0; i < n; i += 10_000) seedImages(store, mv, data.slice(i, i + 10_000), { from: i });
  const insertMs = ms(t0);
  log(`inserted ${n} rows in ${(insertMs / 1000).toFixed(1)} s`);

  // First open finds no graph: rebuild from rows (the build) + persist, timed separately.
  t0 = performance.now();
  let index = VectorIndex.open(store, mv, 'image', { dim, params, exactBelow: 0 });
  const firstOpenMs = ms(t0);
  if (index.status.state !== 'rebuilt') throw new Error(`expected a build, got ${index.status.state}`);
  t0 = performance.now();
  index.persist(true);
  const persistMs = ms(t0);
  const buildMs = firstOpenMs - persistMs; // open = rebuild + one persist
  log(`built in ${(buildMs / 1000).toFixed(1)} s, persisted in ${(persistMs / 1000).toFixed(1)} s`);

  // Ground truth on the same vectors, in memory (labels are 1..n in insert order: AUTOINCREMENT).
  t0 = performance.now();
  const rows = data.map((vector, i) => ({ label: i + 1, vector }));
  const truth = queries.map((q) => new Set(exactTopK(q, rows, K).map((h) => h.label)));
  const exactPerQueryMs = ms(t0) / nq;
  log(`exact search: ${exactPerQueryMs.toFixed(1)} ms/query`);

  const perEf = efs.map((ef) => {
    const times: number[] = [];
    let found = 0;
    queries.forEach((q, i) => {
      const t = performance.now();
      const hits = index.search(q, K, undefined, ef);
      times.push(ms(t));
      found += hits.filter((h) => truth[i]!.has(h.label)).length;
    });
    const r = { ef, recallAt10: found / (nq * K), p50Ms: pct(times, 0.5), p99Ms: pct(times, 0.99) };
    log(`ef=${ef} recall@10=${r.recallAt10.toFixed(4)} p50=${r.p50Ms.toFixed(3)} ms p99=${r.p99Ms.toFixed(3)} ms`);
    return r;
  });
  const chosen = perEf.find((r) => r.recallAt10 >= 0.98) ?? perEf[perEf.length - 1]!;

  index.dispose({ persist: false });
  store.close();
  const fileBytes = statSync(file).size;

  store = LibraryStore.open(file);
  t0 = performance.now();
  index = VectorIndex.open(store, mv, 'image', { dim, params, exactBelow: 0 });
  const loadMs = ms(t0);
  if (index.status.state !== 'loaded') throw new Error(`expected a load, got ${JSON.stringify(index.status)}`);
  t0 = performance.now();
  index.rebuild();
  const rebuildMs = ms(t0);
  index.dispose({ persist: false });
  const graphBytes = store.graphs.meta(mv, 'image')!.byteLength;
  store.close();

  const result = {
    n,
    dim,
    queries: nq,
    params,
    cpus: cpus().length,
    insertRowsS: insertMs / 1000,
    buildS: buildMs / 1000,
    persistS: persistMs / 1000,
    openLoadedS: loadMs / 1000,
    openRebuildS: rebuildMs / 1000,
    rebuildOverLoad: rebuildMs / loadMs,
    exactPerQueryMs,
    perEf,
    chosenEf: chosen.ef,
    fileBytes,
    graphBytes,
  };
  log(`open from stored graph ${loadMs.toFixed(0)} ms vs rebuild ${rebuildMs.toFixed(0)} ms (×${result.rebuildOverLoad.toFixed(1)})`);
  console.log(JSON.stringify(result, null, 2));
  if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2));
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
