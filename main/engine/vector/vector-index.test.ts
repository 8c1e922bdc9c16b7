import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { LibraryStore } from '../store/library-store';
import { useTempDir } from '../store/test-support/temp-dir';
import { randomUnitVector, rng, seedImages } from '../store/test-support/seed';
import Database from 'better-sqlite3';
import { defaultGraphCacheDir } from './graph-blob';
import { VectorIndex, type IndexOpenStatus } from './vector-index';

const DIM = 32;
const tmp = useTempDir();
let file: string;
beforeEach(() => (file = join(tmp.dir, 'lib.db')));

function library(): { store: LibraryStore; mv: number } {
  const store = LibraryStore.open(file);
  const mv = store.modelVersions.ensure({ name: 'test@1', embedDim: DIM, featureDim: 48 }).id;
  return { store, mv };
}

function vectors(n: number, seed: number): Float32Array[] {
  const next = rng(seed);
  return Array.from({ length: n }, () => randomUnitVector(DIM, next));
}

function labelsOf(hits: { label: number }[]): number[] {
  return hits.map((h) => h.label);
}

describe('VectorIndex', () => {
  it('loads the stored graph on reopen and answers exactly as before', () => {
    const { store, mv } = library();
    const labels = seedImages(store, mv, vectors(1500, 1));
    const progress: [number, number][] = [];
    const idx = VectorIndex.open(store, mv, 'image', {
      dim: DIM,
      exactBelow: 0,
      onRebuildProgress: (done, total) => progress.push([done, total]),
    });
    expect(idx.status).toMatchObject({ state: 'rebuilt', reason: 'missing', elementCount: 1500 });
    expect(progress).toEqual([]); // reported every 10 000 vectors; 1 500 finish before the first report
    const q = vectors(1, 99)[0]!;
    const before = idx.search(q, 10);
    idx.dispose();
    store.close();

    const again = library();
    const statuses: IndexOpenStatus[] = [];
    const idx2 = VectorIndex.open(again.store, again.mv, 'image', {
      dim: DIM,
      exactBelow: 0,
      onStatus: (s) => statuses.push(s),
    });
    expect(statuses).toEqual([idx2.status]);
    expect(idx2.status).toMatchObject({ state: 'loaded', elementCount: 1500, from: 'cache' });
    expect(idx2.search(q, 10)).toEqual(before);
    expect(labels).toContain(before[0]!.label);
    idx2.dispose();
    again.store.close();
  });

  it('finds nearly the same neighbours as exact search (recall@10 ≥ 0.95 on 2000 random vectors)', () => {
    const { store, mv } = library();
    seedImages(store, mv, vectors(2000, 2));
    const idx = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0 });
    let found = 0;
    for (const q of vectors(50, 3)) {
      const exact = new Set(labelsOf(idx.searchExact(q, 10)));
      found += labelsOf(idx.search(q, 10)).filter((l) => exact.has(l)).length;
    }
    expect(found / 500).toBeGreaterThanOrEqual(0.95);
    idx.dispose();
    store.close();
  });

  it('catches up rows committed after the last write instead of rebuilding, and says how many', () => {
    const { store, mv } = library();
    seedImages(store, mv, vectors(300, 4));
    VectorIndex.open(store, mv, 'image', { dim: DIM }).dispose();
    const late = vectors(5, 5);
    const lateLabels = seedImages(store, mv, late, { from: 300 }); // committed, but no index was told (a crash)
    const idx = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0 });
    expect(idx.status).toMatchObject({ state: 'loaded', elementCount: 305, caughtUp: 5 });
    expect(idx.size).toBe(305);
    expect(idx.search(late[4]!, 1)[0]!.label).toBe(lateLabels[4]);
    idx.dispose(); // writes the caught-up graph
    const again = VectorIndex.open(store, mv, 'image', { dim: DIM });
    expect(again.status).toMatchObject({ state: 'loaded', elementCount: 305, caughtUp: 0 });
    again.dispose();
    store.close();
  });

  it('rebuilds a stale graph when a row was deleted after the last write, and says so', () => {
    const { store, mv } = library();
    const labels = seedImages(store, mv, vectors(300, 4));
    VectorIndex.open(store, mv, 'image', { dim: DIM }).dispose();
    seedImages(store, mv, vectors(2, 5), { from: 300 });
    store.transaction(() => store.vectors.delete(labels[7]!)); // the graph still holds it: cannot catch up
    const idx = VectorIndex.open(store, mv, 'image', { dim: DIM });
    expect(idx.status).toMatchObject({ state: 'rebuilt', reason: 'stale', elementCount: 301 });
    expect((idx.status as { detail: string }).detail).toBe(
      'stored graph has 300 vectors at revision 300; the library has 301 at revision 303',
    );
    expect(idx.size).toBe(301);
    idx.dispose();
    store.close();
  });

  it('rebuilds a corrupted graph blob from the rows, says why, and loses no vector', () => {
    const { store, mv } = library();
    seedImages(store, mv, vectors(400, 6));
    VectorIndex.open(store, mv, 'image', { dim: DIM }).dispose();
    store.close();
    const raw = new Database(file);
    raw.prepare('UPDATE vector_graph_chunks SET data = zeroblob(length(data)) WHERE seq = 0').run();
    raw.close();
    rmSync(defaultGraphCacheDir(file), { recursive: true }); // e.g. the library was copied without its cache

    const again = library();
    const idx = VectorIndex.open(again.store, again.mv, 'image', { dim: DIM, exactBelow: 0 });
    expect(idx.status).toMatchObject({ state: 'rebuilt', reason: 'corrupt', elementCount: 400 });
    expect((idx.status as { detail: string }).detail).toMatch(/^stored graph unusable: checksum mismatch/);
    const q = vectors(1, 7)[0]!;
    const [hnsw] = idx.search(q, 1);
    const [exact] = idx.searchExact(q, 1);
    expect(hnsw!.label).toBe(exact!.label);
    expect(hnsw!.score).toBeCloseTo(exact!.score, 5); // float32 (SIMD) vs float64 sums
    idx.dispose();
    const third = VectorIndex.open(again.store, again.mv, 'image', { dim: DIM });
    expect(third.status.state).toBe('loaded'); // the rebuild was written back
    third.dispose();
    again.store.close();
  });

  it('drops deleted labels from results and keeps the deletion across a reopen', () => {
    const { store, mv } = library();
    const vs = vectors(1200, 8);
    const labels = seedImages(store, mv, vs);
    const idx = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0 });
    const target = labels[17]!;
    expect(idx.search(vs[17]!, 1)[0]!.label).toBe(target);
    store.transaction(() => store.vectors.delete(target));
    expect(idx.delete(target)).toBe(true);
    expect(idx.delete(target)).toBe(false);
    expect(idx.size).toBe(1199);
    expect(labelsOf(idx.search(vs[17]!, 20))).not.toContain(target);
    idx.dispose();
    const idx2 = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0 });
    expect(idx2.status).toMatchObject({ state: 'loaded', elementCount: 1199 });
    expect(labelsOf(idx2.search(vs[17]!, 20))).not.toContain(target);
    idx2.dispose();
    store.close();
  });

  it('reports rebuild progress every 10 000 vectors', () => {
    const store = LibraryStore.open(file);
    const mv = store.modelVersions.ensure({ name: 'small@1', embedDim: 4, featureDim: 4 }).id;
    const next = rng(12);
    seedImages(
      store,
      mv,
      Array.from({ length: 20_500 }, () => randomUnitVector(4, next)),
    );
    const progress: [number, number][] = [];
    const idx = VectorIndex.open(store, mv, 'image', {
      dim: 4,
      params: { m: 4, efConstruction: 8 },
      onRebuildProgress: (done, total) => progress.push([done, total]),
    });
    expect(progress).toEqual([
      [10_000, 20_500],
      [20_000, 20_500],
    ]);
    expect(idx.size).toBe(20_500);
    idx.dispose();
    store.close();
  });

  it('grows past its initial capacity by resizing', () => {
    const { store, mv } = library();
    const idx = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0 });
    expect(idx.status).toEqual({ state: 'empty' });
    const vs = vectors(2500, 9);
    const labels = seedImages(store, mv, vs);
    labels.forEach((l, i) => idx.add(l, vs[i]!));
    expect(idx.size).toBe(2500);
    expect(idx.search(vs[2499]!, 1)[0]!.label).toBe(labels[2499]);
    idx.dispose();
    store.close();
  });

  it('keeps one independent index per model version', () => {
    const { store, mv } = library();
    const mv2 = store.modelVersions.ensure({ name: 'test@2', embedDim: DIM, featureDim: 48 }).id;
    seedImages(store, mv, vectors(50, 10));
    const mediaIds = [1, 2, 3];
    store.transaction(() => mediaIds.forEach((m, i) => store.vectors.upsertImage(mv2, m, vectors(3, 11)[i]!)));
    const a = VectorIndex.open(store, mv, 'image', { dim: DIM });
    const b = VectorIndex.open(store, mv2, 'image', { dim: DIM });
    expect([a.size, b.size]).toEqual([50, 3]);
    a.dispose();
    b.dispose();
    store.close();
  });

  it('rejects a vector of the wrong dimension or with a NaN, by name', () => {
    const { store, mv } = library();
    const idx = VectorIndex.open(store, mv, 'image', { dim: DIM });
    expect(() => idx.search(new Float32Array(7), 3)).toThrow('vector has 7 dimensions, index expects 32');
    const nan = new Float32Array(DIM).fill(0.1);
    nan[5] = Number.NaN;
    expect(() => idx.add(1, nan)).toThrow('vector component 5 is NaN, not a finite number');
    expect(idx.size).toBe(0);
    idx.dispose();
    store.close();
  });

  it('opens from the cached graph file only when it hashes to the stored checksum; a damaged copy is replaced from the blob', () => {
    const { store, mv } = library();
    const vs = vectors(1500, 13);
    seedImages(store, mv, vs);
    const first = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0 });
    const expected = first.search(vs[3]!, 10);
    first.dispose();
    const cached = join(defaultGraphCacheDir(file), `${mv}-image.hnsw`);
    expect(readFileSync(cached).length).toBe(store.graphs.meta(mv, 'image')!.byteLength);

    // One flipped byte in the middle of the copy: hashed before hnswlib reads it, so the blob is used instead.
    const bytes = readFileSync(cached);
    const middle = bytes.length >> 1;
    bytes[middle] = bytes[middle]! ^ 0xff;
    writeFileSync(cached, bytes);
    const fromBlob = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0 });
    expect(fromBlob.status).toMatchObject({ state: 'loaded', elementCount: 1500, caughtUp: 0, from: 'blob' });
    expect(fromBlob.search(vs[3]!, 10)).toEqual(expected);
    fromBlob.dispose();

    // The blob read wrote a good copy back; a truncated copy is ignored the same way.
    const again = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0 });
    expect(again.status).toMatchObject({ state: 'loaded', from: 'cache' });
    expect(again.search(vs[3]!, 10)).toEqual(expected);
    again.dispose();
    writeFileSync(cached, readFileSync(cached).subarray(0, 1000));
    const truncated = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0 });
    expect(truncated.status).toMatchObject({ state: 'loaded', from: 'blob' });
    truncated.dispose();

    // Without a cache folder nothing is written beside the library and the blob is read through a temp file.
    rmSync(defaultGraphCacheDir(file), { recursive: true });
    const noCache = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0, graphCacheDir: null });
    expect(noCache.status).toMatchObject({ state: 'loaded', from: 'blob' });
    noCache.dispose({ persist: false });
    expect(existsSync(defaultGraphCacheDir(file))).toBe(false);
    store.close();
  });

  it('leaves no partial graph file behind a write killed half-way (leftover temp files are swept on open)', () => {
    const { store, mv } = library();
    seedImages(store, mv, vectors(1200, 14));
    VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0 }).dispose();
    const dir = defaultGraphCacheDir(file);
    writeFileSync(join(dir, `${mv}-image.hnsw.99999.tmp`), 'half a graph');
    const idx = VectorIndex.open(store, mv, 'image', { dim: DIM, exactBelow: 0 });
    expect(idx.status).toMatchObject({ state: 'loaded', from: 'cache' });
    expect(readdirSync(dir)).toEqual([`${mv}-image.hnsw`]);
    idx.dispose();
    store.close();
  });
});
