import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { LibraryStore } from '../store/library-store';
import { useTempDir } from '../store/test-support/temp-dir';
import { randomUnitVector, rng, seedImages } from '../store/test-support/seed';
import { EF_LADDER } from './ef-calibration';
import { exactTopK } from './exact-search';
import { VectorIndex } from './vector-index';

const DIM = 32;
const tmp = useTempDir();
let file: string;
beforeEach(() => (file = join(tmp.dir, 'lib.db')));

function uniform(n: number, seed: number): Float32Array[] {
  const next = rng(seed);
  return Array.from({ length: n }, () => randomUnitVector(DIM, next));
}

/** Unit vectors near n/50 centres (cos ≈ 0.8): easy for a graph, like photo embeddings. */
function clustered(n: number, seed: number): Float32Array[] {
  const next = rng(seed);
  const centres = uniform(Math.max(1, n / 50), seed + 1);
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(next() * centres.length)]!;
    const g = randomUnitVector(DIM, next);
    const v = c.map((x, i) => x + 0.75 * g[i]!);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

/** recall@10 of the index at its own efSearch on fresh queries from the same source, against exact search. */
function recallOnFreshQueries(idx: VectorIndex, data: Float32Array[], queries: Float32Array[]): number {
  const rows = data.map((vector, i) => ({ label: i + 1, vector }));
  let found = 0;
  for (const q of queries) {
    const truth = new Set(exactTopK(q, rows, 10).map((h) => h.label));
    found += idx.search(q, 10).filter((h) => truth.has(h.label)).length;
  }
  return found / (10 * queries.length);
}

describe('efSearch self-calibration', () => {
  it('picks the beam that reaches recall@10 ≥ 0.98 on fresh queries, wider for structureless data than for clustered', () => {
    const store = LibraryStore.open(file);
    const a = store.modelVersions.ensure({ name: 'uniform@1', embedDim: DIM, featureDim: 8 }).id;
    const b = store.modelVersions.ensure({ name: 'clustered@1', embedDim: DIM, featureDim: 8 }).id;
    // The sources draw queries and data from one stream: the first 4 000 are the data, the rest queries.
    const u = uniform(4100, 1);
    const c = clustered(4100, 2);
    seedImages(store, a, u.slice(0, 4000), { root: '/u' });
    seedImages(store, b, c.slice(0, 4000), { root: '/c' });
    // A small graph (M 6, efC 24) so that the uniform set needs a clearly wider beam than the default.
    const params = { m: 6, efConstruction: 24 };
    const iu = VectorIndex.open(store, a, 'image', { dim: DIM, params, exactBelow: 0 });
    const ic = VectorIndex.open(store, b, 'image', { dim: DIM, params, exactBelow: 0 });
    const cu = iu.efCalibration!;
    const cc = ic.efCalibration!;
    expect(cu).toMatchObject({ k: 10, queries: 100, size: 4000 });
    expect(cu.recall).toBeGreaterThanOrEqual(0.99);
    expect(cc.recall).toBeGreaterThanOrEqual(0.99);
    expect(iu.params.efSearch).toBe(cu.ef);
    expect(cu.ef).toBeGreaterThan(cc.ef);
    expect(EF_LADDER).toContain(cu.ef);
    // ids 1..4000 in each version are not shared: labels are embedding ids (AUTOINCREMENT), version b from 4001.
    expect(recallOnFreshQueries(iu, u.slice(0, 4000), u.slice(4000))).toBeGreaterThanOrEqual(0.98);
    const rc = (() => {
      const rows = c.slice(0, 4000).map((vector, i) => ({ label: 4001 + i, vector }));
      let found = 0;
      for (const q of c.slice(4000)) {
        const truth = new Set(exactTopK(q, rows, 10).map((h) => h.label));
        found += ic.search(q, 10).filter((h) => truth.has(h.label)).length;
      }
      return found / 1000;
    })();
    expect(rc).toBeGreaterThanOrEqual(0.98);
    iu.dispose();
    ic.dispose();
    store.close();
  });

  it('keeps the measured beam with the stored graph, measures again once the index has doubled, and not when efSearch is given', () => {
    const store = LibraryStore.open(file);
    const mv = store.modelVersions.ensure({ name: 't@1', embedDim: DIM, featureDim: 8 }).id;
    const data = uniform(3000, 3);
    seedImages(store, mv, data.slice(0, 1200));
    const first = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0 });
    const measured = first.efCalibration!;
    expect(measured.size).toBe(1200);
    first.dispose();

    const loaded = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0 });
    expect(loaded.status.state).toBe('loaded');
    expect(loaded.efCalibration).toEqual(measured);
    expect(loaded.params.efSearch).toBe(measured.ef);
    const more = data.slice(1200, 2000);
    seedImages(store, mv, more, { from: 1200 }).forEach((l, i) => loaded.add(l, more[i]!));
    loaded.dispose(); // 2 000 < 2 × 1 200: the measurement stands
    const again = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0 });
    expect(again.efCalibration).toEqual(measured);
    const rest = data.slice(2000);
    seedImages(store, mv, rest, { from: 2000 }).forEach((l, i) => again.add(l, rest[i]!));
    again.dispose(); // 3 000 ≥ 2 × 1 200: measured again on the written graph
    const grown = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0 });
    expect(grown.efCalibration!.size).toBe(3000);
    grown.dispose();

    const fixed = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0, params: { efSearch: 50 } });
    expect(fixed.params.efSearch).toBe(50);
    fixed.dispose();
    store.close();
  });

  it('does not measure an index below calibrateFrom vectors (search is exact there)', () => {
    const store = LibraryStore.open(file);
    const mv = store.modelVersions.ensure({ name: 't@1', embedDim: DIM, featureDim: 8 }).id;
    seedImages(store, mv, uniform(500, 4));
    const idx = VectorIndex.open(store, mv, 'image', { dim: DIM });
    expect(idx.efCalibration).toBeNull();
    idx.dispose();
    store.close();
  });
});
