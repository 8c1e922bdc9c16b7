import type { LibraryStore } from '../library-store';

/** Deterministic PRNG (mulberry32) so that test vectors are the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random unit vector (Gaussian via Box–Muller, then L2-normalised): uniform on the sphere. */
export function randomUnitVector(dim: number, next: () => number): Float32Array {
  const v = new Float32Array(dim);
  let n = 0;
  for (let i = 0; i < dim; i++) {
    const g = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    v[i] = g;
    n += g * g;
  }
  const inv = 1 / Math.sqrt(n);
  for (let i = 0; i < dim; i++) v[i]! *= inv;
  return v;
}

/** Inserts `n` media rows with image embeddings in one transaction; returns their labels in order. */
export function seedImages(
  store: LibraryStore,
  modelVersionId: number,
  vectors: Float32Array[],
  opts: { root?: string; from?: number } = {},
): number[] {
  const root = opts.root ?? '/photos';
  const from = opts.from ?? 0;
  return store.transaction(() =>
    vectors.map((v, i) => {
      const n = from + i;
      const mediaId = store.media.upsert({
        path: `${root}/img-${n}.jpg`,
        root,
        contentHash: `hash-${n}`,
        size: 1000 + n,
        mtimeMs: 1_600_000_000_000 + n * 1000,
        kind: 'jpeg',
      });
      return store.vectors.upsertImage(modelVersionId, mediaId, v).label;
    }),
  );
}
