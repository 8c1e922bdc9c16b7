import { describe, expect, it } from 'vitest';
import { combineNoise, matchProbability, NOISE_WEIGHTS, noiseParts, percentiles } from './noise-score';
import { pairEvidence } from './pair-evidence';

// Three images and three caption texts on the unit circle; pair 1 (image B with text "c") and pair 2 (image C with
// text "b") have their captions swapped. Similarities: A·a=1, A·c=.6, B·b=1, B·c=.8, C·c=1, C·b=.8, C·a=.6, A·b=B·a=0.
const unit = (...v: number[]) => new Float32Array(v);
const images = { emb: unit(1, 0, 0, 1, 0.6, 0.8), count: 3, dim: 2 };
const texts = { emb: unit(1, 0, 0, 1, 0.6, 0.8), count: 3, dim: 2 };
const pairs = [
  { imageRow: 0, textRow: 0 },
  { imageRow: 1, textRow: 2 },
  { imageRow: 2, textRow: 1 },
];

const ev = await pairEvidence({ ...images, memb: images.emb }, { ...texts, memb: texts.emb }, pairs, {
  temp: 1,
  top: 5,
  chunk: 2,
});

describe('pair evidence over the library', () => {
  it('ranks the own caption among the image neighbours and the image among the caption neighbours', () => {
    expect(ev.map((e) => [e.captionRank, e.imageRank])).toEqual([
      [1, 1],
      [2, 2],
      [2, 2],
    ]);
    expect(ev.map((e) => e.cosine)).toEqual([1, Math.fround(0.8), Math.fround(0.8)]);
  });

  it('gives the momentum pseudo-target mass of the own caption and the confident-learning loss', () => {
    const z = Math.exp(1) + Math.exp(0) + Math.exp(0.6);
    expect(ev[0]!.pseudoTargetMass).toBeCloseTo(Math.exp(1) / z, 6);
    expect(ev[0]!.ownCaptionLoss).toBeCloseTo(Math.log(z) - 1, 6);
  });

  it('gives the margin of the own caption over the best competing caption, and of the image over the best image', () => {
    expect(ev[0]!.captionMargin).toBeCloseTo(0.4, 6); // A: a (1) vs c (0.6)
    expect(ev[1]!.captionMargin).toBeCloseTo(-0.2, 6); // B: c (0.8) vs b (1)
    expect(ev[0]!.imageMargin).toBeCloseTo(0.4, 6); // a: A (1) vs C (0.6)
    expect(ev[1]!.imageMargin).toBeCloseTo(-0.2, 6); // c: B (0.8) vs C (1)
  });

  it('suggests the other captions by pseudo-target probability and the caption’s other images by cosine', () => {
    const zB = Math.exp(0) + Math.exp(1) + Math.exp(0.8);
    expect(ev[1]!.captions.map((c) => c.textRow)).toEqual([1, 0]);
    expect(ev[1]!.captions[0]!.probability).toBeCloseTo(Math.exp(1) / zB, 6);
    expect(ev[1]!.images).toEqual([
      { imageRow: 2, cosine: 1 },
      { imageRow: 0, cosine: Math.fround(0.6) },
    ]);
  });

  it('does not count images that carry the same caption text as competitors', async () => {
    // Image C also carries text "c" (a second style of the same concept): it no longer outranks B for "c".
    const withDup = [...pairs, { imageRow: 2, textRow: 2 }];
    const e = await pairEvidence({ ...images, memb: images.emb }, { ...texts, memb: texts.emb }, withDup, { temp: 1 });
    expect(e[1]!.imageRank).toBe(1);
  });
});

describe('noise score rule', () => {
  const ev = (matchProbability: number | null, captionRank: number, imageRank: number, pseudoTargetMass: number) =>
    noiseParts({
      matchProbability,
      captionRank,
      imageRank,
      pseudoTargetMass,
      cosine: 0,
      ownCaptionLoss: 0,
      captionMargin: 0,
      imageMargin: 0,
    });

  it('keeps each part as a suspicion in [0, 1]', () => {
    const p = ev(matchProbability(0, Math.log(3)), 2, 4, 0.2);
    expect(p.itm).toBeCloseTo(0.25, 12);
    expect([p.captionRankPart, p.imageRankPart]).toEqual([0.5, 0.75]);
    expect(p.momentum).toBeCloseTo(0.8, 12);
  });

  it('gives mid-rank percentiles, ties sharing their mean rank', () => {
    expect(percentiles([0.3, 0.1, 0.3, null, 0.9])).toEqual([0.5, 0.125, 0.5, null, 0.875]);
  });

  it('combines the parts’ percentiles with the documented weights, leaving ITM out where it is missing', () => {
    // Pair 0 is the most suspicious on every part, pair 2 the least; pair 1 has no ITM.
    const parts = [ev(0.1, 9, 9, 0.01), ev(null, 3, 3, 0.3), ev(0.9, 1, 1, 0.9)];
    const [a, b, c] = combineNoise(parts);
    // ITM percentiles over the two pairs that have it: 0.75 and 0.25; the other parts over three: 5/6, 1/2, 1/6.
    expect(a).toBeCloseTo(0.35 * 0.75 + 0.65 * (5 / 6), 12);
    expect(b).toBeCloseTo(0.5, 12);
    expect(c).toBeCloseTo(0.35 * 0.25 + 0.65 * (1 / 6), 12);
    expect(Object.values(NOISE_WEIGHTS).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
  });
});
