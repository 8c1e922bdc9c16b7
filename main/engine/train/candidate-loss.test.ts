import { describe, expect, it } from 'vitest';
import { candidateLoss, EMPTY_GROUP, type CandidateBank, type QueryRows } from './candidate-loss';

const opts = { dim: 2, temp: 0.5, teacherTemp: 0.5, baseTemp: 0.5, alphaKd: 0, scale: 1 };

function row(group: number, alpha = 0): QueryRows {
  return {
    count: 1,
    features: Float64Array.of(1, 0),
    momentumFeatures: Float64Array.of(0, 1),
    baseFeatures: null,
    group: Int32Array.of(group),
    alpha: Float64Array.of(alpha),
  };
}

function bank(groups: number[], negOnly: number[], feats: number[][]): CandidateBank {
  return {
    count: groups.length,
    features: Float64Array.from(feats.flat()),
    baseFeatures: null,
    group: Int32Array.from(groups),
    negativeOnly: Uint8Array.from(negOnly),
  };
}

describe('candidateLoss', () => {
  const feats = [
    [1, 0],
    [0, 1],
    [-1, 0],
    [0.6, 0.8],
  ];

  it('splits the hard target evenly over every column of the row’s group', () => {
    const r = candidateLoss(row(7), bank([7, 3, 7, 4], [0, 0, 0, 0], feats), opts);
    const s = feats.map((f) => f[0]! / 0.5); // q = (1, 0)
    const lse = Math.log(s.reduce((a, v) => a + Math.exp(v), 0));
    expect(r.itc).toBeCloseTo(-0.5 * (s[0]! - lse) - 0.5 * (s[2]! - lse), 12);
    expect(r.rowsUsed).toBe(1);
  });

  it('mixes the momentum teacher in with weight α: y = α·softmax(s_m) + (1−α)·hard', () => {
    const r = candidateLoss(row(7, 0.4), bank([7, 3, 5, 4], [0, 0, 0, 0], feats), opts);
    const s = feats.map((f) => f[0]! / 0.5);
    const t = feats.map((f) => f[1]! / 0.5); // q_m = (0, 1)
    const lse = (v: number[]) => Math.log(v.reduce((a, x) => a + Math.exp(x), 0));
    const pt = t.map((v) => Math.exp(v - lse(t)));
    const y = pt.map((p, j) => 0.4 * p + 0.6 * (j === 0 ? 1 : 0));
    expect(r.itc).toBeCloseTo(-y.reduce((a, yj, j) => a + yj * (s[j]! - lse(s)), 0), 12);
  });

  it('ignores empty slots, and shows a rejected caption only to rows of its own group, never as a positive', () => {
    const plain = candidateLoss(row(7), bank([7, 3], [0, 0], feats.slice(0, 2)), opts);
    // A rejected caption of group 9 and an empty slot: invisible to a group-7 row.
    const withOthers = candidateLoss(row(7), bank([7, 3, 9, EMPTY_GROUP], [0, 0, 1, 0], feats), opts);
    expect(withOthers.itc).toBeCloseTo(plain.itc, 12);
    // The same rejected caption marked for group 7: a negative that raises the loss, not a positive.
    const asNegative = candidateLoss(row(7), bank([7, 3, 7, EMPTY_GROUP], [0, 0, 1, 0], feats), opts);
    const s = [2, 0, -2];
    const lse = Math.log(s.reduce((a, v) => a + Math.exp(v), 0));
    expect(asNegative.itc).toBeCloseTo(-(s[0]! - lse), 12);
  });

  it('skips a row with no positive in the bank instead of producing NaN', () => {
    const r = candidateLoss(row(7), bank([3, 4], [0, 0], feats.slice(0, 2)), opts);
    expect(r.rowsUsed).toBe(0);
    expect(r.itc).toBe(0);
    expect(Array.from(r.dQuery)).toEqual([0, 0]);
  });
});
