import { describe, expect, it } from 'vitest';
import { applyCombiner, aurocOf, COMBINER_FEATURES, featureRow, fitLogistic, SUSPICION_SIGN } from './noise-combiner';
import { combineNoise, noiseParts } from './noise-score';
import { pairEvidence, type EvidenceMatrix, type EvidencePair } from './pair-evidence';
import { fitSelfSupervised, MIN_PAIRS, planSelfSupervision } from './self-supervised-combiner';
import { sampleIndices, splitmix32 } from './synthetic-mismatch';

/** Standard normal draws from a seeded generator (Box–Muller). */
const gauss = (rand: () => number) => () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

function unitRows(rows: number[][]): Float32Array {
  const out = new Float32Array(rows.length * rows[0]!.length);
  rows.forEach((r, i) => {
    const n = Math.hypot(...r);
    r.forEach((v, d) => (out[i * r.length + d] = v / n));
  });
  return out;
}

const ev = (
  cosine: number,
  matchProbability: number | null,
  extra: Partial<Parameters<typeof featureRow>[0]> = {},
) => ({
  matchProbability,
  captionRank: 1,
  imageRank: 1,
  pseudoTargetMass: 0.5,
  cosine,
  ownCaptionLoss: 1,
  captionMargin: 0,
  imageMargin: 0,
  ...extra,
});

describe('logistic combiner', () => {
  it('puts its weight on the feature that separates the classes, none on one that does not vary', () => {
    const rand = splitmix32(42);
    const g = gauss(rand);
    const rows: Array<Array<number | null>> = [];
    const labels: boolean[] = [];
    for (let i = 0; i < 600; i++) {
      const y = i % 3 === 0;
      // cosine is lower for mismatches; ITM is pure noise; the other features are constant.
      rows.push(featureRow(ev((y ? 0.2 : 0.5) + 0.1 * g(), 1 / (1 + Math.exp(-g())))));
      labels.push(y);
    }
    const c = fitLogistic(rows, labels);
    const w = Object.fromEntries(COMBINER_FEATURES.map((f, i) => [f, c.weights[i]!]));
    expect(w.cosine).toBeLessThan(-2);
    expect(Math.abs(w.itmLogit!)).toBeLessThan(0.3);
    for (const f of ['logCaptionRank', 'logImageRank', 'logPseudoTarget', 'ownCaptionLoss'] as const)
      expect(w[f]).toBe(0);
    // A pair with missing ITM is scored at the sample mean of ITM, i.e. by its cosine alone.
    expect(applyCombiner(c, ev(0.2, null))).toBeGreaterThan(applyCombiner(c, ev(0.5, null)));
    expect(applyCombiner(c, ev(0.2, null))).toBeGreaterThan(0.5);
  });

  it('keeps every weight of a monotone fit at its suspicion sign or 0, even where two parts are collinear', () => {
    const rand = splitmix32(7);
    const g = gauss(rand);
    const rows: Array<Array<number | null>> = [];
    const labels: boolean[] = [];
    for (let i = 0; i < 600; i++) {
      const y = i % 4 === 0;
      const cos = (y ? 0.2 : 0.5) + 0.1 * g();
      // The caption margin follows the cosine closely but not exactly: a free fit may pit one against the other.
      rows.push(featureRow(ev(cos, 0.5, { captionMargin: cos - 0.3 + 0.02 * g(), ownCaptionLoss: 2 - cos })));
      labels.push(y);
    }
    const c = fitLogistic(rows, labels, { monotone: true });
    c.weights.forEach((w, f) => expect(w * SUSPICION_SIGN[f]!).toBeGreaterThanOrEqual(0));
    expect(
      c.weights[COMBINER_FEATURES.indexOf('cosine')]! + c.weights[COMBINER_FEATURES.indexOf('captionMargin')]!,
    ).toBeLessThan(-1);
  });

  it('is pulled towards the centre of its ridge (the app’s CL-loss prior) where the labels carry no signal', () => {
    const rand = splitmix32(11);
    const g = gauss(rand);
    const rows = Array.from({ length: 400 }, () =>
      featureRow(ev(0.4 + 0.1 * g(), 0.5, { ownCaptionLoss: 2 + g(), captionMargin: 0.1 * g() })),
    );
    const labels = rows.map((_, i) => i % 5 === 0);
    const prior = COMBINER_FEATURES.map((f) => (f === 'ownCaptionLoss' ? 1 : 0));
    const free = fitLogistic(rows, labels, { ridge: 1 });
    const c = fitLogistic(rows, labels, { ridge: 100, prior });
    const cl = COMBINER_FEATURES.indexOf('ownCaptionLoss');
    // The data pull the CL weight to ~0 (free fit), the ridge towards 1: it ends between, the others near 0.
    expect(Math.abs(free.weights[cl]!)).toBeLessThan(0.2);
    expect(c.weights[cl]!).toBeGreaterThan(0.4);
    expect(c.weights[cl]!).toBeLessThan(0.9);
    c.weights.forEach((w, f) => f !== cl && expect(Math.abs(w)).toBeLessThan(0.1));
  });

  it('gives AUROC 1 for a perfect order, 0.5 for ties, and null without both classes', () => {
    expect(aurocOf([0.9, 0.8, 0.1], [true, true, false])).toBe(1);
    expect(aurocOf([0.5, 0.5], [true, false])).toBe(0.5);
    expect(aurocOf([0.5, 0.2], [false, false])).toBeNull();
  });
});

// A library of 150 concepts in 16-d: 3 images per concept (styles: concept + noise), one caption text per concept.
// The test injects its own 20% swap noise; ITM is pure noise (a weak ITM head), as the bundled model's nearly is.
function library() {
  const rand = splitmix32(2026);
  const g = gauss(rand);
  const D = 16;
  const C = 150;
  const concepts = Array.from({ length: C }, () => Array.from({ length: D }, g));
  const imageRows = Array.from({ length: 3 * C }, (_, i) => concepts[i % C]!.map((v) => v + 0.9 * g()));
  const textEmb = unitRows(concepts);
  const imageEmb = unitRows(imageRows);
  const images: EvidenceMatrix = { emb: imageEmb, memb: imageEmb, count: 3 * C, dim: D };
  const texts: EvidenceMatrix = { emb: textEmb, memb: textEmb, count: C, dim: D };
  const pairs: EvidencePair[] = imageRows.map((_, i) => ({ imageRow: i, textRow: i % C }));
  const noisyIdx = sampleIndices(pairs.length, 90, splitmix32(99));
  noisyIdx.forEach((k, i) => {
    pairs[k] = { imageRow: k, textRow: noisyIdx[(i + 1) % noisyIdx.length]! % C };
  });
  const noisy = pairs.map((p) => p.textRow !== p.imageRow % C);
  const itmNoise = splitmix32(5);
  const itmCache = new Map<string, [number, number]>();
  const itm = (p: EvidencePair): [number, number] => {
    const key = `${p.imageRow}:${p.textRow}`;
    if (!itmCache.has(key)) itmCache.set(key, [0, 4 * (itmNoise() - 0.5)]);
    return itmCache.get(key)!;
  };
  return { images, texts, pairs, noisy, itm };
}

describe('self-supervised weights for a library', () => {
  it('learns to trust the ITC evidence over a useless ITM head, and ranks the true noise above the fixed rule', async () => {
    const { images, texts, pairs, noisy, itm } = library();
    const plan = planSelfSupervision(pairs, texts)!;
    expect(plan.libraries.map((l) => l.mode)).toEqual(['swap', 'hard']);
    expect(plan.libraries[0]!.synthetic.filter(Boolean).length).toBe(90);
    const combiner = await fitSelfSupervised({ plan, images, texts, temp: 0.1, itm });
    // Labels were the injected ones only: 90 per mode, the library's pairs as the other class.
    expect(combiner.fit.positives).toEqual({ swap: 90, hard: 90 });
    expect(combiner.fit.negatives).toBe(2 * (450 - 90));
    // The refit leaves out library pairs that score like the injected ones (among them most of the true noise).
    expect(combiner.fit.droppedNegatives).toBeGreaterThan(0);
    expect(combiner.fit.droppedNegatives).toBeLessThan(combiner.fit.negatives / 2);
    expect(combiner.fit.heldOutAuroc!).toBeGreaterThan(0.8);
    const itmWeight = Math.abs(combiner.weights[COMBINER_FEATURES.indexOf('itmLogit')]!);
    const maxWeight = Math.max(...combiner.weights.map(Math.abs));
    expect(itmWeight).toBeLessThan(0.15 * maxWeight);

    const ev = await pairEvidence(images, texts, pairs, { temp: 0.1 });
    const parts = ev.map((e, k) => {
      const l = itm(pairs[k]!);
      return noiseParts({ ...e, matchProbability: 1 / (1 + Math.exp(l[0] - l[1])) });
    });
    const learned = aurocOf(
      parts.map((p) => applyCombiner(combiner, p)),
      noisy,
    )!;
    const fixed = aurocOf(combineNoise(parts), noisy)!;
    expect(learned).toBeGreaterThan(0.9);
    expect(learned).toBeGreaterThan(fixed + 0.01);
  });

  it('does not fit on a library too small to learn from (the fixed rule scores it)', () => {
    const { texts, pairs } = library();
    expect(planSelfSupervision(pairs.slice(0, MIN_PAIRS - 1), texts)).toBeNull();
    expect(planSelfSupervision(pairs.slice(0, MIN_PAIRS), texts)).not.toBeNull();
  });
});
