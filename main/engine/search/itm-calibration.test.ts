import { describe, expect, it } from 'vitest';
import { rng } from '../store/test-support/seed';
import {
  expectedCalibrationError,
  fitCalibration,
  IDENTITY_CALIBRATION,
  matchProbability,
  reliability,
  type LabelledMargin,
} from './itm-calibration';

/** Pairs whose true match probability is σ((margin − 2)/3): an over-confident head with a shifted threshold. */
function overconfident(n: number, seed: number): LabelledMargin[] {
  const next = rng(seed);
  return Array.from({ length: n }, () => {
    const margin = (next() - 0.5) * 24;
    const pTrue = 1 / (1 + Math.exp(-(margin - 2) / 3));
    return { margin, isMatch: next() < pTrue };
  });
}

describe('ITM calibration', () => {
  it('is the softmax of the two logits under the identity calibration', () => {
    expect(matchProbability(0, 0)).toBe(0.5);
    expect(matchProbability(1, 3)).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(3)), 12);
    expect(matchProbability(0, -800)).toBe(0); // no overflow at extreme logits
    expect(matchProbability(0, 800)).toBe(1);
  });

  it('recovers the temperature and bias of an over-confident head and lowers its calibration error', () => {
    const fit = fitCalibration(overconfident(20_000, 1));
    expect(fit.temperature).toBeCloseTo(3, 0);
    expect(fit.bias).toBeCloseTo(2, 0);
    expect(fit.fittedOn).toBe(20_000);
    // Checked on held-out pairs, not the ones it was fitted on.
    const heldOut = overconfident(20_000, 2);
    const before = expectedCalibrationError(heldOut, IDENTITY_CALIBRATION);
    const after = expectedCalibrationError(heldOut, fit);
    expect(before).toBeGreaterThan(0.05);
    expect(after).toBeLessThan(0.015);
    for (const bin of reliability(heldOut, fit).filter((b) => b.count > 500)) {
      expect(Math.abs(bin.meanConfidence - bin.fractionMatches)).toBeLessThan(0.04);
    }
  });

  it('leaves the ranking unchanged (it only changes what the numbers mean)', () => {
    const fit = fitCalibration(overconfident(2000, 3));
    const margins = [-5, -1, 0, 0.5, 2, 7];
    const p = margins.map((m) => matchProbability(0, m, fit));
    expect([...p].sort((a, b) => a - b)).toEqual(p);
  });

  it('refuses to fit on too few or one-sided labels', () => {
    expect(() => fitCalibration(overconfident(10, 4))).toThrow(/at least 20 labelled pairs/);
    expect(() => fitCalibration(Array.from({ length: 50 }, () => ({ margin: 1, isMatch: true })))).toThrow(
      /both matches and non-matches/,
    );
  });
});
