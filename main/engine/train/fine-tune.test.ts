import { describe, expect, it } from 'vitest';
import type { CuratedPair } from './curated-pairs';
import { fineTuneHeads, type FineTuneInput, type FineTuneProgress } from './fine-tune';
import { headParameters } from './heads';
import { syntheticLibrary } from './synthetic-pairs';

function smallLibrary(hardNoise = 0) {
  const lib = syntheticLibrary({
    concepts: 80,
    pairsPerConcept: 4,
    imageWidth: 48,
    textWidth: 40,
    embedDim: 16,
    latentDim: 8,
    styles: 3,
    hardNoise,
    heldOutFraction: 0.2,
    seed: 11,
  });
  const input: FineTuneInput = {
    imageFeatures: lib.imageFeatures,
    imageWidth: 48,
    captionFeatures: lib.captionFeatures,
    captionWidth: 40,
    pairs: lib.pairs,
    base: lib.base,
  };
  return { lib, input };
}

const fast = { epochs: 6, batchSize: 32, queueSize: 64, lr: 1e-2, heldOutFraction: 0.2, progressIntervalMs: 0 };

describe('fineTuneHeads', () => {
  it('raises held-out recall in both directions on data with planted structure', async () => {
    const { input } = smallLibrary();
    const r = await fineTuneHeads(input, fast);
    expect(r.counts.heldOutGroups).toBeGreaterThanOrEqual(2);
    expect(r.before.images).toBe(r.counts.heldOutPairs);
    expect(r.after.i2t.r5).toBeGreaterThan(r.before.i2t.r5 + 0.15);
    expect(r.after.t2i.r5).toBeGreaterThan(r.before.t2i.r5 + 0.15);
    expect(r.lossCurve).toHaveLength(r.plan.totalSteps);
    expect(r.timing.trainSeconds).toBeGreaterThan(0);
    expect(r.timing.secondsPerEpoch).toBeCloseTo(r.timing.trainSeconds / r.plan.epochs, 12);
    const first = r.lossCurve.slice(0, 5).reduce((s, p) => s + p.itc, 0);
    const last = r.lossCurve.slice(-5).reduce((s, p) => s + p.itc, 0);
    expect(last).toBeLessThan(first);
  });

  it('is reproducible: the same seed gives bit-identical heads and loss curve', async () => {
    const { input } = smallLibrary();
    const a = await fineTuneHeads(input, { ...fast, epochs: 1, adapterHidden: 8 });
    const b = await fineTuneHeads(input, { ...fast, epochs: 1, adapterHidden: 8 });
    expect(b.lossCurve).toEqual(a.lossCurve);
    const pa = headParameters(a.heads);
    const pb = headParameters(b.heads);
    pa.forEach((p, i) => expect(Buffer.from(pb[i]!.data.buffer).equals(Buffer.from(p.data.buffer)), p.name).toBe(true));
    expect(pa.map((p) => p.name)).toContain('vision_adapter.fc2.weight');
  });

  it('reports progress with a step count, the loss parts, lr and an ETA, ending at the last step', async () => {
    const { input } = smallLibrary();
    const seen: FineTuneProgress[] = [];
    const r = await fineTuneHeads(input, { ...fast, epochs: 2 }, { onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.step)).toEqual(Array.from({ length: r.plan.totalSteps }, (_, i) => i + 1));
    expect(seen.at(-1)!.etaSeconds).toBe(0);
    for (const p of seen) {
      expect(p.loss.total).toBeCloseTo(p.loss.itc + 1 * p.loss.kd, 10);
      expect(p.loss.lr).toBeGreaterThan(0);
      expect(p.etaSeconds).toBeGreaterThanOrEqual(0);
    }
  });

  it('stops on cancel with code "cancelled" and leaves the base heads it was given untouched', async () => {
    const { input } = smallLibrary();
    const before = headParameters(input.base).map((p) => p.data.slice());
    const controller = new AbortController();
    const run = fineTuneHeads(input, fast, {
      signal: controller.signal,
      onProgress: (p) => p.step === 3 && controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: 'FineTuneError', code: 'cancelled' });
    headParameters(input.base).forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(before[i]!)));
  });

  it('refuses 5 pairs, and all-rejected pairs, with a message saying what is needed', async () => {
    const { input } = smallLibrary();
    await expect(fineTuneHeads({ ...input, pairs: input.pairs.slice(0, 5) })).rejects.toMatchObject({
      code: 'too-few-pairs',
      message: expect.stringContaining('at least 32 image–caption pairs that are not rejected; this library has 5'),
    });
    const rejected: CuratedPair[] = input.pairs.map((p) => ({ ...p, state: 'rejected' }));
    await expect(fineTuneHeads({ ...input, pairs: rejected })).rejects.toMatchObject({
      code: 'all-rejected',
      message: expect.stringContaining('All 320 pairs are rejected'),
    });
    const oneGroup: CuratedPair[] = input.pairs.map((p) => ({ ...p, group: 'same' }));
    await expect(fineTuneHeads({ ...input, pairs: oneGroup })).rejects.toMatchObject({ code: 'too-few-groups' });
  });

  it('names the offending pair and field for out-of-range indices and mismatched widths', async () => {
    const { input } = smallLibrary();
    const pairs = input.pairs.slice();
    pairs[3] = { ...pairs[3]!, captionIndex: 9999 };
    await expect(fineTuneHeads({ ...input, pairs })).rejects.toMatchObject({
      code: 'bad-input',
      message: 'pairs[3].captionIndex 9999 is outside 0..319',
    });
    await expect(fineTuneHeads({ ...input, imageWidth: 24 })).rejects.toMatchObject({
      code: 'bad-input',
      message: 'vision_proj.weight expects width 48, image features have 24',
    });
  });

  it('trains with rejected and edited pairs: rejected pairs never enter the held-out gallery', async () => {
    const { input } = smallLibrary();
    const pairs: CuratedPair[] = input.pairs.map((p, i) => ({
      ...p,
      state: i % 10 === 0 ? 'rejected' : i % 10 === 1 ? 'edited' : i % 10 === 2 ? 'confirmed' : 'unreviewed',
    }));
    const r = await fineTuneHeads({ ...input, pairs }, fast);
    expect(r.counts.rejected).toBe(32);
    expect(r.before.images).toBe(r.counts.heldOutPairs);
    expect(r.after.t2i.r5).toBeGreaterThan(r.before.t2i.r5);
    expect(r.lossCurve.every((p) => Number.isFinite(p.total))).toBe(true);
  });
});
