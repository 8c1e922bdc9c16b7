/**
 * HNSW-in-SQLite benchmark (issue #6, DESIGN.md §7): random 256-d unit vectors stored as library rows,
 * graph built and persisted through VectorIndex, then in the same run: query p50/p99 per ef, recall@10
 * against exact search on the same vectors, open time from the stored graph against a rebuild, file size.
 *
 *   npx tsx bench/index/run.ts --n 100000 [--data uniform|clustered] [--queries 500] [--ef 64,128,256] [--m 32]
 *                              [--efc 200] [--out f.json]
 *
 * `--data uniform` (default): unit vectors uniform on the sphere, the worst case — no structure at all,
 * so the 10th and 11th neighbours are nearly tied and HNSW needs a wide beam. `--data clustered`: unit vectors
 * around n/50 random centres (cos ≈ 0.8 to their centre), closer to real photo embeddings, which cluster by subject.
 * The "rebuild" time is the first open's build from the rows (no stored graph), the "load" time a later open.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LibrarySearch } from '../../main/engine/search/library-search';
import { LibraryStore } from '../../main/engine/store/library-store';
import { rng, seedImages } from '../../main/engine/store/test-support/seed';
import { exactTopK } from '../../main/engine/vector/exact-search';
import { VectorIndex } from '../../main/engine/vector/vector-index';
import { vectorSource } from './vector-source';

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
    data: { type: 'string', default: 'uniform' },
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
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

const dir = mkdtempSync(join(tmpdir(), 'pairscope-bench-index-'));
const file = join(dir, 'bench.pairscope');
try {
  log(
    `data=${values.data} n=${n} dim=${dim} queries=${nq} M=${params.m} efC=${params.efConstruction} cpus=${cpus().length} dir=${dir}`,
  );
  const next = rng(12345);
  const draw = vectorSource(values.data!, n, dim, next);
  const data: Float32Array[] = [];
  for (let i = 0; i < n; i++) data.push(draw());
  const queries = Array.from({ length: nq }, draw);

  let store = LibraryStore.open(file);
  const mv = store.modelVersions.ensure({ name: 'bench@1', embedDim: dim, featureDim: 768 }).id;
  let t0 = performance.now();
  for (let i = 0; i < n; i += 10_000) seedImages(store, mv, data.slice(i, i + 10_000), { from: i });
  const insertMs = ms(t0);
  log(`inserted ${n} rows in ${(insertMs / 1000).toFixed(1)} s`);

  // First open finds no graph: rebuild from rows (the build) + persist, timed separately.
  t0 = performance.now();
  let index = VectorIndex.open(store, mv, 'image', {
    dim,
    params,
    exactBelow: 0,
    onRebuildProgress: (done, total) => {
      if (done % Math.max(10_000, Math.floor(total / 10 / 10_000) * 10_000) === 0) log(`building: ${done}/${total}`);
    },
  });
  const firstOpenMs = ms(t0);
  if (index.status.state !== 'rebuilt') throw new Error(`expected a build, got ${index.status.state}`);
  t0 = performance.now();
  index.persist(true);
  const persistMs = ms(t0);
  // open = rebuild + the efSearch self-calibration + one persist (the calibration runs once, in the first persist).
  const efCalibration = index.efCalibration;
  const calibrationMs = efCalibration?.ms ?? 0;
  const buildMs = firstOpenMs - persistMs - calibrationMs;
  log(
    `built in ${(buildMs / 1000).toFixed(1)} s, efSearch self-calibration ${JSON.stringify(efCalibration)}, ` +
      `persisted in ${(persistMs / 1000).toFixed(1)} s`,
  );
  if (efCalibration && !efs.includes(efCalibration.ef)) efs.push(efCalibration.ef);
  efs.sort((a, b) => a - b);

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
  // The app's choice is the index's own calibrated ef; without one (--ef-fixed), the first ef that reached 0.98.
  const chosen =
    perEf.find((r) => r.ef === efCalibration?.ef) ??
    perEf.find((r) => r.recallAt10 >= 0.98) ??
    perEf[perEf.length - 1]!;

  index.dispose({ persist: false });
  store.close();
  const fileBytes = statSync(file).size;

  store = LibraryStore.open(file);
  // Open from the blob (read through a temp file, as when the cache folder is missing), then twice from the
  // verified file copy in the library cache (what the app does): the same graph, the same store, one after the other.
  const openFrom = (graphCacheDir: string | null | undefined, want: 'blob' | 'cache') => {
    index.dispose({ persist: false });
    const t = performance.now();
    index = VectorIndex.open(store, mv, 'image', {
      dim,
      params,
      exactBelow: 0,
      ...(graphCacheDir === undefined ? {} : { graphCacheDir }),
    });
    const took = ms(t);
    const st = index.status;
    if (st.state !== 'loaded' || st.from !== want)
      throw new Error(`expected a load from ${want}, got ${JSON.stringify(st)}`);
    return took;
  };
  const openBlobMs = openFrom(null, 'blob');
  const openCacheMs = [openFrom(undefined, 'cache'), openFrom(undefined, 'cache')];
  const loadMs = Math.min(...openCacheMs);
  log(
    `open: from the blob ${openBlobMs.toFixed(0)} ms, from the cached file ${openCacheMs.map((x) => x.toFixed(0)).join(' / ')} ms`,
  );
  if (efCalibration && index.params.efSearch !== efCalibration.ef)
    throw new Error(`the loaded graph searches at ef ${index.params.efSearch}, calibrated ${efCalibration.ef}`);
  const rebuildMs = buildMs; // the first open rebuilt from the same rows; timing it twice costs a whole build

  // End to end through LibrarySearch at the chosen ef (k-NN + reading the hits' rows from SQLite), with the
  // text encoder left out (its cost is bench/embed's): the "encoder" hands back the prepared query vector.
  const search = new LibrarySearch({
    store,
    encoder: {
      modelVersion: 'bench@1',
      embedDim: dim,
      embedText: async (t) => queries[Number(t)]!,
      embedImage: () => Promise.reject(new Error('not used')),
      itmLogits: () => Promise.reject(new Error('not used')),
    },
    modelVersionId: mv,
    images: index,
    captions: index,
  });
  index.params.efSearch = chosen.ef; // already so when calibrated
  const searchTimes: number[] = [];
  for (let i = 0; i < nq; i++) {
    const t = performance.now();
    await search.search({ text: String(i), limit: 24 });
    searchTimes.push(ms(t));
  }
  const searchP50Ms = pct(searchTimes, 0.5);
  const searchP99Ms = pct(searchTimes, 0.99);
  log(
    `LibrarySearch (ef=${chosen.ef}, 24 results, encoder excluded): p50=${searchP50Ms.toFixed(2)} ms p99=${searchP99Ms.toFixed(2)} ms`,
  );
  index.dispose({ persist: false });
  const graphBytes = store.graphs.meta(mv, 'image')!.byteLength;
  store.close();

  const result = {
    data: values.data,
    n,
    dim,
    queries: nq,
    params,
    cpus: cpus().length,
    insertRowsS: insertMs / 1000,
    buildS: buildMs / 1000,
    efCalibration,
    efCalibrationS: calibrationMs / 1000,
    persistS: persistMs / 1000,
    openLoadedS: loadMs / 1000,
    openFromBlobS: openBlobMs / 1000,
    openFromCacheS: openCacheMs.map((x) => x / 1000),
    openRebuildS: rebuildMs / 1000,
    rebuildOverLoad: rebuildMs / loadMs,
    rebuildOverBlobLoad: rebuildMs / openBlobMs,
    exactPerQueryMs,
    perEf,
    librarySearch: { ef: chosen.ef, limit: 24, p50Ms: searchP50Ms, p99Ms: searchP99Ms },
    chosenEf: chosen.ef,
    fileBytes,
    graphBytes,
  };
  log(
    `open from stored graph ${loadMs.toFixed(0)} ms vs rebuild ${rebuildMs.toFixed(0)} ms (×${result.rebuildOverLoad.toFixed(1)})`,
  );
  console.log(JSON.stringify(result, null, 2));
  if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2));
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
