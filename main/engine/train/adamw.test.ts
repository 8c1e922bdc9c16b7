import { describe, expect, it } from 'vitest';
import { AdamW, learningRate } from './adamw';

describe('AdamW', () => {
  it('takes the bias-corrected first step of size lr·sign(g) and decays only weights marked for decay', () => {
    const w = { name: 'w', data: Float32Array.of(1, -2), decay: true };
    const b = { name: 'b', data: Float32Array.of(1), decay: false };
    const opt = new AdamW([w, b], { weightDecay: 0.1 });
    opt.step(
      [
        { name: 'w', data: Float32Array.of(0.5, -3), decay: true },
        { name: 'b', data: Float32Array.of(2), decay: false },
      ],
      0.01,
    );
    // w ← w·(1 − lr·wd) − lr·m̂/(√v̂+ε) with m̂ = g, v̂ = g² on the first step.
    expect(w.data[0]).toBeCloseTo(1 * (1 - 0.001) - 0.01, 6);
    expect(w.data[1]).toBeCloseTo(-2 * (1 - 0.001) + 0.01, 6);
    expect(b.data[0]).toBeCloseTo(1 - 0.01, 6);
  });

  it('minimises a quadratic, and leaves skipped parameters untouched', () => {
    const x = { name: 'x', data: Float64Array.of(5, -3), decay: false };
    const t = { name: 'temp', data: Float64Array.of(0.07), decay: false };
    const opt = new AdamW([x, t], { weightDecay: 0 });
    for (let i = 0; i < 2000; i++) {
      opt.step(
        [
          { name: 'x', data: Float64Array.from(x.data, (v) => 2 * v), decay: false },
          { name: 'temp', data: Float64Array.of(1), decay: false },
        ],
        0.05,
        new Set(['temp']),
      );
    }
    expect(Math.abs(x.data[0]!)).toBeLessThan(1e-2);
    expect(Math.abs(x.data[1]!)).toBeLessThan(1e-2);
    expect(t.data[0]).toBe(0.07);
  });
});

describe('learningRate', () => {
  const s = { peakLr: 1e-3, minLr: 1e-5, warmupSteps: 10, totalSteps: 110 };
  it('ramps linearly during warm-up, peaks, then follows a cosine to the floor', () => {
    expect(learningRate(0, s)).toBeCloseTo(1e-4, 12);
    expect(learningRate(4, s)).toBeCloseTo(5e-4, 12);
    expect(learningRate(10, s)).toBeCloseTo(1e-3, 12);
    expect(learningRate(60, s)).toBeCloseTo(1e-5 + 0.5 * (1e-3 - 1e-5), 12);
    expect(learningRate(110, s)).toBeCloseTo(1e-5, 12);
  });
});
