import { describe, expect, it } from 'vitest';
import { DEFAULT_FINE_TUNE_OPTIONS, resolvePlan } from './fine-tune-options';

describe('resolvePlan', () => {
  it('keeps the one-click defaults on 10k pairs: 70 full batches per epoch, queue 1024, EMA horizon 10% of steps', () => {
    const p = resolvePlan(DEFAULT_FINE_TUNE_OPTIONS, 9000);
    expect(p).toEqual({
      epochs: 5,
      batchSize: 128,
      queueSize: 1024,
      stepsPerEpoch: 70,
      totalSteps: 350,
      warmupSteps: 18,
      momentum: 1 - 1 / 35,
    });
  });

  it('gives a small library enough steps, a batch it can fill and a queue no larger than the rest of it', () => {
    const p = resolvePlan(DEFAULT_FINE_TUNE_OPTIONS, 180);
    expect(p.batchSize).toBe(128);
    expect(p.stepsPerEpoch).toBe(1);
    expect(p.epochs).toBe(100);
    expect(p.totalSteps).toBe(100);
    expect(p.queueSize).toBe(0);
    const q = resolvePlan({ ...DEFAULT_FINE_TUNE_OPTIONS, batchSize: 32 }, 180);
    expect(q.queueSize).toBe(128);
    expect(q.queueSize % q.batchSize).toBe(0);
  });
});
