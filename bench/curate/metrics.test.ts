import { describe, expect, it } from 'vitest';
import { auroc, precisionAt, reviewCurve, shuffled, suspicionOrder } from './metrics';

describe('noise detection metrics', () => {
  it('AUROC is 1 for a perfect ranking, 0 for a reversed one, 0.5 for all ties, and counts ties one half', () => {
    const y = [true, true, false, false];
    expect(auroc([0.9, 0.8, 0.2, 0.1], y)).toBe(1);
    expect(auroc([0.1, 0.2, 0.8, 0.9], y)).toBe(0);
    expect(auroc([0.5, 0.5, 0.5, 0.5], y)).toBe(0.5);
    // one of the four (noisy, clean) comparisons is a tie, one is lost: (2 + 0.5) / 4
    expect(auroc([0.9, 0.3, 0.3, 0.5], y)).toBe(0.625);
  });

  it('precision at k and the reviewer curve count noisy pairs among the most suspicious', () => {
    const s = [0.1, 0.9, 0.8, 0.3, 0.7];
    const y = [true, true, false, false, true];
    expect(suspicionOrder(s)).toEqual([1, 2, 4, 3, 0]);
    expect(precisionAt(s, y, 3)).toBeCloseTo(2 / 3, 12);
    expect(reviewCurve(suspicionOrder(s), y)).toEqual([0, 1, 1, 2, 2, 3]);
  });

  it('the random reviewer order is a seeded permutation', () => {
    const p = shuffled(50, 7);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffled(50, 7)).toEqual(p);
    expect(shuffled(50, 8)).not.toEqual(p);
  });
});
