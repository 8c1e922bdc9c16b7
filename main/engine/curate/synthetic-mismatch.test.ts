import { describe, expect, it } from 'vitest';
import type { EvidenceMatrix } from './pair-evidence';
import { injectMismatches, sampleIndices, splitmix32 } from './synthetic-mismatch';

// 40 caption texts on a circle in 2-d (text t at angle t·9°, so t's nearest texts are t ± 1, t ± 2, …);
// 60 pairs: image i carries text i % 40 (images 40…59 repeat texts 0…19; image 5 also carries text 6).
const T = 40;
const texts: EvidenceMatrix = (() => {
  const emb = new Float32Array(T * 2);
  for (let t = 0; t < T; t++) {
    emb[2 * t] = Math.cos((t * 2 * Math.PI) / T);
    emb[2 * t + 1] = Math.sin((t * 2 * Math.PI) / T);
  }
  return { emb, memb: emb, count: T, dim: 2 };
})();
const pairs = [...Array.from({ length: 60 }, (_, i) => ({ imageRow: i, textRow: i % T })), { imageRow: 5, textRow: 6 }];
const carries = (img: number, t: number) => pairs.some((p) => p.imageRow === img && p.textRow === t);

describe('synthetic mismatches for the self-supervised combiner', () => {
  it('samples distinct indices reproducibly from the seed, and differently for another seed', () => {
    const a = sampleIndices(100, 30, splitmix32(7));
    expect(new Set(a).size).toBe(30);
    expect(a.every((i) => i >= 0 && i < 100)).toBe(true);
    expect(sampleIndices(100, 30, splitmix32(7))).toEqual(a);
    expect(sampleIndices(100, 30, splitmix32(8))).not.toEqual(a);
  });

  it('swap: gives the sampled pairs another pair’s caption, never one their image already carries', () => {
    const lib = injectMismatches(pairs, texts, { mode: 'swap', rate: 0.25, maxPairs: 1000, seed: 3 });
    const changed = lib.pairs.flatMap((p, k) => (lib.synthetic[k] ? [k] : []));
    expect(changed.length).toBe(Math.round(0.25 * pairs.length));
    for (const k of changed) {
      expect(lib.pairs[k]!.imageRow).toBe(pairs[k]!.imageRow);
      expect(carries(pairs[k]!.imageRow, lib.pairs[k]!.textRow)).toBe(false);
    }
    lib.pairs.forEach((p, k) => {
      if (!lib.synthetic[k]) expect(p).toEqual(pairs[k]);
    });
  });

  it('hard: gives a sampled pair one of the captions nearest to its own text', () => {
    const lib = injectMismatches(pairs, texts, { mode: 'hard', rate: 0.5, maxPairs: 10, seed: 11, nearest: 4 });
    const changed = lib.pairs.flatMap((p, k) => (lib.synthetic[k] ? [k] : []));
    expect(changed.length).toBe(10);
    for (const k of changed) {
      // Circular distance in steps of 9°: the 4 nearest other texts are ±1 and ±2 steps away (ties at ±k).
      const d = Math.abs(lib.pairs[k]!.textRow - pairs[k]!.textRow) % T;
      expect(Math.min(d, T - d)).toBeGreaterThanOrEqual(1);
      expect(Math.min(d, T - d)).toBeLessThanOrEqual(3); // ±3 only where the image already carries a ±1/±2 text
      expect(carries(pairs[k]!.imageRow, lib.pairs[k]!.textRow)).toBe(false);
    }
  });

  it('caps the corrupted pairs at maxPairs', () => {
    const lib = injectMismatches(pairs, texts, { mode: 'swap', rate: 0.9, maxPairs: 7, seed: 1 });
    expect(lib.synthetic.filter(Boolean).length).toBe(7);
  });
});
