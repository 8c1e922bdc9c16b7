import { dot } from './exact-search';

/**
 * What a self-calibration of the query beam found (issue #6: recall@10 ≥ 0.98 "at the chosen ef"): the
 * smallest efSearch on the ladder whose recall@k on sampled stored vectors, against exact search over all
 * rows, reached the target. Stored with the graph, so a loaded index searches with it without re-measuring.
 */
export interface EfCalibration {
  ef: number;
  /** recall@k at `ef` on the probe queries. */
  recall: number;
  k: number;
  queries: number;
  /** Live vectors when it was measured: the index re-measures once it has doubled. */
  size: number;
  ms: number;
}

export interface EfCalibrationOptions {
  /** All stored vectors; called twice (sample, then exact top-k in one pass). */
  rows: () => Iterable<{ label: number; vector: Float32Array }>;
  count: number;
  /** The graph's answer at a given ef: labels with their inner products, best first. */
  search: (query: Float32Array, k: number, ef: number) => Array<{ label: number; score: number }>;
  k?: number;
  queries?: number;
  /** Sample recall to reach; above 0.98 so that the sampling error (±0.005 at 100 queries) keeps it ≥ 0.98. */
  target?: number;
  minEf?: number;
  maxEf?: number;
  seed?: number;
}

/**
 * Beam widths tried in order. HNSW needs very different beams for different data (docs/benchmarks.md:
 * clustered 100k reaches 0.98 at ef 16, uniform 100k in 256-d needs > 1 024), so a fixed default is either
 * slow on easy data or inaccurate on hard data; measuring is cheap next to a build.
 */
export const EF_LADDER = [16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144];

/**
 * Measures recall@k per ef on `queries` probe queries against exact search over all rows, and returns the first
 * ef on the ladder that reaches `target`, or `maxEf` with what it reached.
 *
 * A probe is NOT a stored vector: a stored vector used as its own query (self excluded) lands on its own node,
 * whose links are already its neighbours, and over-states recall (at 1M clustered: 0.996 on such queries at
 * ef 96 against 0.978 on fresh ones, docs/benchmarks.md). Each probe sits next to a sampled stored vector v at the
 * distance of v's nearest other vector, in a random direction: q = c·v + √(1−c²)·u (c = that nearest cosine,
 * u ⊥ v random) — as far from the data as a new vector of the same kind would be.
 */
export function calibrateEf(options: EfCalibrationOptions): EfCalibration {
  const t0 = performance.now();
  const k = options.k ?? 10;
  const target = options.target ?? 0.99;
  const minEf = options.minEf ?? 128;
  const maxEf = options.maxEf ?? 4096;
  const sample = sampleRows(
    options.rows(),
    options.count,
    Math.min(options.queries ?? 100, options.count),
    options.seed ?? 7,
  );
  const probes = probeQueries(sample, options.search, options.seed ?? 7);
  const truth = exactNeighbours(options.rows(), probes, k);
  const ladder = EF_LADDER.filter((ef) => ef >= minEf && ef < maxEf).concat(maxEf);
  let best = { ef: maxEf, recall: 0 };
  for (const ef of ladder) {
    let found = 0;
    let wanted = 0;
    probes.forEach((q, i) => {
      const want = truth[i]!;
      const got = options.search(q.vector, k, Math.max(ef, k));
      wanted += want.size;
      for (const { label } of got) if (want.has(label)) found++;
    });
    best = { ef, recall: wanted === 0 ? 1 : found / wanted };
    if (best.recall >= target) break;
  }
  return { ...best, k, queries: probes.length, size: options.count, ms: performance.now() - t0 };
}

/** One probe per sampled vector (see calibrateEf); label −1: no stored row is excluded from its truth. */
function probeQueries(
  sample: ReadonlyArray<{ label: number; vector: Float32Array }>,
  search: EfCalibrationOptions['search'],
  seed: number,
): Array<{ label: number; vector: Float32Array }> {
  let s = (seed ^ 0x9e3779b9) >>> 0;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return sample.map(({ label, vector: v }) => {
    // The nearest other vector, from the graph at a wide beam (the exact one is not needed: a distance scale).
    const nearest = search(v, 2, 256).find((h) => h.label !== label);
    const c = Math.max(-1, Math.min(1, nearest?.score ?? 0));
    const u = new Float32Array(v.length);
    let along = 0;
    for (let i = 0; i < u.length; i++) {
      u[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      along += u[i]! * v[i]!;
    }
    let norm = 0;
    for (let i = 0; i < u.length; i++) {
      u[i] = u[i]! - along * v[i]!;
      norm += u[i]! * u[i]!;
    }
    const side = Math.sqrt(1 - c * c) / Math.sqrt(norm || 1);
    const q = new Float32Array(v.length);
    for (let i = 0; i < q.length; i++) q[i] = c * v[i]! + side * u[i]!;
    return { label: -1, vector: q };
  });
}

/** `n` rows at evenly spread random positions (one pass; positions drawn from a seeded generator). */
function sampleRows(
  rows: Iterable<{ label: number; vector: Float32Array }>,
  count: number,
  n: number,
  seed: number,
): Array<{ label: number; vector: Float32Array }> {
  let s = seed >>> 0;
  const positions = new Set<number>();
  while (positions.size < n) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    positions.add(s % count);
  }
  const out: Array<{ label: number; vector: Float32Array }> = [];
  let i = 0;
  for (const r of rows) {
    if (positions.has(i++)) out.push({ label: r.label, vector: Float32Array.from(r.vector) });
    if (out.length === n) break;
  }
  return out;
}

/** Exact top-k labels of every query (own label excluded), all queries in one pass over the rows. */
function exactNeighbours(
  rows: Iterable<{ label: number; vector: Float32Array }>,
  queries: ReadonlyArray<{ label: number; vector: Float32Array }>,
  k: number,
): Array<Set<number>> {
  const scores = queries.map(() => new Float64Array(k).fill(-Infinity));
  const labels = queries.map(() => new Float64Array(k).fill(-1));
  for (const { label, vector } of rows) {
    for (let j = 0; j < queries.length; j++) {
      const q = queries[j]!;
      if (q.label === label) continue;
      const s = dot(q.vector, vector);
      const sc = scores[j]!;
      if (s <= sc[k - 1]!) continue;
      // Insertion into a sorted (descending) top-k.
      const lb = labels[j]!;
      let p = k - 1;
      while (p > 0 && sc[p - 1]! < s) {
        sc[p] = sc[p - 1]!;
        lb[p] = lb[p - 1]!;
        p--;
      }
      sc[p] = s;
      lb[p] = label;
    }
  }
  return labels.map((lb) => new Set(Array.from(lb).filter((l) => l >= 0)));
}
