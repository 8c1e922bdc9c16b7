/**
 * Synthetic mismatches for the self-supervised noise combiner (issue #9): a corrupted copy of the library in which
 * a random sample of pairs get a wrong caption, the way noise enters real catalogues (datasets.md "Caption noise"):
 *
 * - `swap`: the sampled pairs' captions are rotated among themselves (a caption of another pair);
 * - `hard`: a sampled pair gets one of the few caption texts whose text embedding is closest to its own ("red
 *   apple" → "green apple"), so the combiner also learns what a near-miss looks like.
 *
 * The library's other pairs keep their captions (their true state is unknown: they are the "as imported" class).
 * The sampler is a seeded splitmix32, deliberately not the mulberry32 shuffle of the noise generator
 * (tools/dataset), so that on a benchmark split the sample cannot coincide with the split's true noisy pairs.
 */
import { matMulABt } from '../train/matmul';
import type { EvidenceMatrix, EvidencePair } from './pair-evidence';

export type MismatchMode = 'swap' | 'hard';

export interface CorruptedLibrary {
  mode: MismatchMode;
  /** The library's pairs, same order, the sampled ones with their injected caption. */
  pairs: EvidencePair[];
  /** True where the caption was injected. */
  synthetic: boolean[];
}

export interface InjectOptions {
  mode: MismatchMode;
  /** Share of the library's pairs to corrupt (before the cap). */
  rate: number;
  maxPairs: number;
  seed: number;
  /** Hard mode: pick among this many nearest caption texts. */
  nearest?: number;
}

/** A seeded generator of floats in [0, 1) (splitmix32). */
export function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

/** k distinct indices of 0 … n−1 in random order (partial Fisher–Yates). */
export function sampleIndices(n: number, k: number, rand: () => number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p.slice(0, m);
}

export function injectMismatches(
  pairs: readonly EvidencePair[],
  texts: EvidenceMatrix,
  options: InjectOptions,
): CorruptedLibrary {
  const rand = splitmix32(options.seed);
  const textsOfImage = new Map<number, Set<number>>();
  for (const p of pairs) textsOfImage.set(p.imageRow, (textsOfImage.get(p.imageRow) ?? new Set()).add(p.textRow));
  const chosen = sampleIndices(pairs.length, Math.min(options.maxPairs, Math.round(options.rate * pairs.length)), rand);
  const out = pairs.map((p) => ({ ...p }));
  const synthetic = pairs.map(() => false);
  // A caption the image does not already carry, else null (then the pair stays as it is).
  const fits = (k: number, t: number) => !textsOfImage.get(pairs[k]!.imageRow)!.has(t);
  const randomOther = (k: number): number | null => {
    for (let tries = 0; tries < 20; tries++) {
      const t = pairs[Math.floor(rand() * pairs.length)]!.textRow;
      if (fits(k, t)) return t;
    }
    return null;
  };
  let wrong: Array<number | null>;
  if (options.mode === 'swap') {
    // Rotate the sampled captions by one; where that gives the image a caption it already has, draw another.
    wrong = chosen.map((k, i) => {
      const t = pairs[chosen[(i + 1) % chosen.length]!]!.textRow;
      return fits(k, t) ? t : randomOther(k);
    });
  } else {
    const near = nearestTexts(
      texts,
      chosen.map((k) => pairs[k]!.textRow),
      (options.nearest ?? 5) + 8,
    );
    wrong = chosen.map((k, i) => {
      const candidates = near[i]!.filter((t) => fits(k, t)).slice(0, options.nearest ?? 5);
      return candidates.length ? candidates[Math.floor(rand() * candidates.length)]! : randomOther(k);
    });
  }
  chosen.forEach((k, i) => {
    if (wrong[i] === null) return;
    out[k]!.textRow = wrong[i]!;
    synthetic[k] = true;
  });
  return { mode: options.mode, pairs: out, synthetic };
}

/** For each query text row, the other text rows by cosine of their (student) embeddings, best first. */
function nearestTexts(texts: EvidenceMatrix, queries: readonly number[], k: number): number[][] {
  const { dim, count: T } = texts;
  const out: number[][] = [];
  const chunk = 128;
  const sims = new Float32Array(chunk * T);
  for (let q0 = 0; q0 < queries.length; q0 += chunk) {
    const n = Math.min(chunk, queries.length - q0);
    const q = new Float32Array(n * dim);
    for (let i = 0; i < n; i++)
      q.set(texts.emb.subarray(queries[q0 + i]! * dim, (queries[q0 + i]! + 1) * dim), i * dim);
    matMulABt(q, texts.emb, sims, n, T, dim);
    for (let i = 0; i < n; i++) {
      const own = queries[q0 + i]!;
      const row = sims.subarray(i * T, (i + 1) * T);
      const best: number[] = [];
      for (let t = 0; t < T; t++) {
        if (t === own) continue;
        if (best.length < k || row[t]! > row[best[best.length - 1]!]!) {
          let at = best.length;
          while (at > 0 && row[best[at - 1]!]! < row[t]!) at--;
          best.splice(at, 0, t);
          if (best.length > k) best.pop();
        }
      }
      out.push(best);
    }
  }
  return out;
}
