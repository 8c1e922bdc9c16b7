import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LibraryStore } from '../store/library-store';
import { randomUnitVector, rng, seedImages } from '../store/test-support/seed';
import { useTempDir } from '../store/test-support/temp-dir';
import { VectorIndex } from '../vector/vector-index';
import { buildVersionGraphs } from './version-graphs';

const DIM = 32;
const tmp = useTempDir('pairscope-version-graphs-test-');

function unitVectors(n: number, seed: number): Float32Array[] {
  const next = rng(seed);
  return Array.from({ length: n }, () => randomUnitVector(DIM, next));
}

/** A library with one version: `n` photos (image vectors) each with one caption (text vectors). */
function library(n: number): { store: LibraryStore; mv: number } {
  const store = LibraryStore.open(join(tmp.dir, 'lib.pairscope'));
  const mv = store.modelVersions.ensure({ name: 'v+ft1', embedDim: DIM, featureDim: 48 }).id;
  seedImages(store, mv, unitVectors(n, 1));
  const texts = unitVectors(n, 2);
  store.transaction(() =>
    texts.forEach((t, i) => {
      const mediaId = store.media.byPath(`/photos/img-${i}.jpg`)!.id;
      const captionId = store.captions.upsert({ mediaId, source: 'test', text: `caption ${i}` });
      store.vectors.upsertText(mv, captionId, t);
    }),
  );
  return { store, mv };
}

describe('buildVersionGraphs (HNSW build in worker threads)', () => {
  it('stores graphs that the index loads as current, answering exactly as a graph rebuilt on this thread', async () => {
    const { store, mv } = library(1200);
    const queries = unitVectors(5, 3);
    // Reference: VectorIndex's own rebuild from the rows; then its stored graph is dropped.
    const reference: Record<string, number[][]> = {};
    for (const space of ['image', 'text'] as const) {
      const idx = VectorIndex.open(store, mv, space, { dim: DIM, exactBelow: 0 });
      expect(idx.status.state).toBe('rebuilt');
      reference[space] = queries.map((q) => idx.search(q, 10, undefined, 64).map((h) => h.label));
      idx.dispose({ persist: false });
      store.graphs.delete(mv, space);
    }

    // The builds run in workers: this thread's event loop keeps turning meanwhile (a synchronous build
    // would let no timer fire until it returned).
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const report = await buildVersionGraphs(store, mv, DIM).finally(() => clearInterval(timer));
    expect(report.counts).toEqual({ image: 1200, text: 1200 });
    expect(ticks).toBeGreaterThan(0);

    for (const space of ['image', 'text'] as const) {
      const idx = VectorIndex.open(store, mv, space, { dim: DIM, exactBelow: 0 });
      expect({ space, state: idx.status.state }).toEqual({ space, state: 'loaded' });
      expect(idx.size).toBe(1200);
      // Same parameters, seed and insertion order → the same graph → the same answers at the same beam.
      expect(queries.map((q) => idx.search(q, 10, undefined, 64).map((h) => h.label))).toEqual(reference[space]);
      idx.dispose({ persist: false });
    }
    store.close();
  });

  it('leaves a space without rows without a graph', async () => {
    const store = LibraryStore.open(join(tmp.dir, 'lib.pairscope'));
    const mv = store.modelVersions.ensure({ name: 'v+ft2', embedDim: DIM, featureDim: 48 }).id;
    seedImages(store, mv, unitVectors(30, 4));
    const report = await buildVersionGraphs(store, mv, DIM);
    expect(report.counts).toEqual({ image: 30, text: 0 });
    expect(store.graphs.meta(mv, 'image')?.elementCount).toBe(30);
    expect(store.graphs.meta(mv, 'text')).toBeUndefined();
    store.close();
  });
});
