import { describe, expect, it } from 'vitest';
import { fineTuneHeads, type FineTuneInput, type FineTuneProgress } from './fine-tune';
import { headParameters } from './heads';
import { reprojectEmbeddings } from './reproject';
import { runFineTuneInWorker } from './run-fine-tune-worker';
import { syntheticLibrary } from './synthetic-pairs';

const lib = syntheticLibrary({
  concepts: 40,
  pairsPerConcept: 4,
  imageWidth: 32,
  textWidth: 24,
  embedDim: 16,
  latentDim: 8,
  styles: 3,
  hardNoise: 0,
  heldOutFraction: 0.2,
  seed: 5,
});
const input: FineTuneInput = {
  imageFeatures: lib.imageFeatures,
  imageWidth: 32,
  captionFeatures: lib.captionFeatures,
  captionWidth: 24,
  pairs: lib.pairs,
  base: lib.base,
};
const options = { epochs: 2, batchSize: 16, queueSize: 32, progressIntervalMs: 0 };

describe('runFineTuneInWorker', () => {
  it('trains in a worker thread with progress events and returns what the in-process run returns', async () => {
    const seen: FineTuneProgress[] = [];
    const viaWorker = await runFineTuneInWorker(input, options, { onProgress: (p) => seen.push(p) });
    const inProcess = await fineTuneHeads(input, options);
    expect(seen).toHaveLength(viaWorker.plan.totalSteps);
    expect(viaWorker.lossCurve).toEqual(inProcess.lossCurve);
    expect(viaWorker.after).toEqual(inProcess.after);
    const a = headParameters(viaWorker.heads);
    headParameters(inProcess.heads).forEach((p, i) => expect(Array.from(a[i]!.data)).toEqual(Array.from(p.data)));
    // The worker also re-projects every input item with the new heads (off the request thread).
    const expected = reprojectEmbeddings(inProcess.heads, input);
    expect(viaWorker.reprojected!.dim).toBe(16);
    expect(Array.from(viaWorker.reprojected!.images)).toEqual(Array.from(expected.images));
    expect(Array.from(viaWorker.reprojected!.texts)).toEqual(Array.from(expected.texts));
  });

  it('cancels through the AbortSignal with code "cancelled"', async () => {
    const controller = new AbortController();
    const run = runFineTuneInWorker(
      input,
      { ...options, epochs: 50 },
      { signal: controller.signal, onProgress: (p) => p.step === 2 && controller.abort() },
    );
    await expect(run).rejects.toMatchObject({ name: 'FineTuneError', code: 'cancelled' });
  });

  it('carries a refusal across the thread boundary as { name, code, message }', async () => {
    await expect(runFineTuneInWorker({ ...input, pairs: input.pairs.slice(0, 5) })).rejects.toMatchObject({
      name: 'FineTuneError',
      code: 'too-few-pairs',
    });
  });
});
