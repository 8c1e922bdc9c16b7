/** A scored neighbour: `score` is the inner product, i.e. cosine similarity for L2-normalised vectors. */
export interface Neighbour {
  label: number;
  score: number;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Exact k-NN by inner product over any stream of vectors: the ground truth for recall, and the search
 * itself for small or heavily filtered sets (DESIGN.md §7). Keeps a sorted top-k, O(n·d + n·log k).
 */
export function exactTopK(
  query: Float32Array,
  rows: Iterable<{ label: number; vector: Float32Array }>,
  k: number,
): Neighbour[] {
  const top: Neighbour[] = [];
  if (k <= 0) return top;
  for (const { label, vector } of rows) {
    const score = dot(query, vector);
    if (top.length === k && score <= top[k - 1]!.score) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (top[mid]!.score >= score) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, { label, score });
    if (top.length > k) top.pop();
  }
  return top;
}

/** L2-normalises in place semantics-free copy; a zero vector stays zero (callers reject it). */
export function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  const out = new Float32Array(v.length);
  if (n === 0) return out;
  const inv = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}
