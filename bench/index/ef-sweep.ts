/**
 * Quick parameter sweep for the HNSW choice (issue #6): builds hnswlib graphs directly (no SQLite) on the same
 * vectors as bench/index/run.ts and prints recall@10 against exact search and latency per ef, plus the recall
 * that VectorIndex's self-calibration estimates from stored vectors used as queries (self excluded).
 *
 *   npx tsx bench/index/ef-sweep.ts --n 100000 --data uniform --m 32,48 --efc 200 --ef 256,512,1024,2048,4096
 */
import { parseArgs } from 'node:util';
import hnswlib from 'hnswlib-node';
import { rng } from '../../main/engine/store/test-support/seed';
import { calibrateEf } from '../../main/engine/vector/ef-calibration';
import { exactTopK } from '../../main/engine/vector/exact-search';
import { vectorSource } from './vector-source';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    data: { type: 'string', default: 'uniform' },
    m: { type: 'string', default: '32' },
    efc: { type: 'string', default: '200' },
    ef: { type: 'string', default: '128,256,512,1024,2048,4096' },
    queries: { type: 'string', default: '200' },
  },
});
const n = Number(values.n);
const dim = 256;
const K = 10;
const log = (s: string) => process.stderr.write(`[ef-sweep ${new Date().toISOString()}] ${s}\n`);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const next = rng(12345);
const draw = vectorSource(values.data!, n, dim, next);
const data: Float32Array[] = Array.from({ length: n }, draw);
const queries = Array.from({ length: Number(values.queries) }, draw);
const rows = data.map((vector, i) => ({ label: i + 1, vector }));
let t0 = performance.now();
const truth = queries.map((q) => new Set(exactTopK(q, rows, K).map((h) => h.label)));
log(`exact ${((performance.now() - t0) / queries.length).toFixed(1)} ms/query`);
for (const m of values.m!.split(',').map(Number)) {
  for (const efc of values.efc!.split(',').map(Number)) {
    const h = new hnswlib.HierarchicalNSW('ip', dim);
    h.initIndex({ maxElements: n, m, efConstruction: efc, randomSeed: 100 });
    t0 = performance.now();
    data.forEach((v, i) => h.addPoint(Array.from(v), i + 1));
    const buildS = (performance.now() - t0) / 1000;
    log(`M=${m} efC=${efc} build ${buildS.toFixed(1)} s`);
    // What VectorIndex's self-calibration picks on this graph (probe queries beside stored vectors), to compare
    // with the recall the fresh queries below measure at that ef.
    const cal = calibrateEf({
      rows: () => rows,
      count: n,
      search: (q, k, ef) => {
        h.setEf(ef);
        const r = h.searchKnn(Array.from(q), k);
        return r.neighbors.map((label, i) => ({ label, score: 1 - r.distances[i]! }));
      },
      seed: 100, // VectorIndex's default
    });
    log(`M=${m} efC=${efc} self-calibration: ${JSON.stringify(cal)}`);
    for (const ef of values.ef!.split(',').map(Number)) {
      h.setEf(ef);
      const times: number[] = [];
      let found = 0;
      queries.forEach((q, i) => {
        const t = performance.now();
        const r = h.searchKnn(Array.from(q), K);
        times.push(performance.now() - t);
        found += r.neighbors.filter((l) => truth[i]!.has(l)).length;
      });
      log(
        `M=${m} efC=${efc} ef=${ef} recall@10=${(found / (K * queries.length)).toFixed(4)} p50=${pct(times, 0.5).toFixed(2)} ms p99=${pct(times, 0.99).toFixed(2)} ms`,
      );
    }
  }
}
