/**
 * Detection metrics for noisy-pair ranking (datasets.md "Caption noise": AUROC and precision at the true noise
 * rate) and the simulated reviewer's curve. Scores: higher = more suspicious; labels: true = noisy.
 */

/** AUROC by the Mann–Whitney statistic, ties counted one half (average ranks). */
export function auroc(scores: readonly number[], noisy: readonly boolean[]): number {
  const order = scores.map((s, i) => ({ s, y: noisy[i]! })).sort((a, b) => a.s - b.s);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j]!.s === order[i]!.s) j++;
    const avgRank = (i + 1 + j) / 2; // ranks i+1 … j
    for (let k = i; k < j; k++)
      if (order[k]!.y) {
        pos++;
        rankSum += avgRank;
      }
    i = j;
  }
  const neg = order.length - pos;
  if (pos === 0 || neg === 0) throw new RangeError('AUROC needs both noisy and clean pairs');
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Indices by score, highest first; ties broken by index so every run orders identically. */
export function suspicionOrder(scores: readonly number[]): number[] {
  return scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/** Fraction of noisy pairs among the top k (k = the number of noisy pairs: precision at the true noise rate). */
export function precisionAt(scores: readonly number[], noisy: readonly boolean[], k: number): number {
  const top = suspicionOrder(scores).slice(0, k);
  return top.filter((i) => noisy[i]).length / k;
}

/** found[N] = noisy pairs among the first N reviewed (N = 0 … n), for a reviewer who fixes every noisy pair seen. */
export function reviewCurve(order: readonly number[], noisy: readonly boolean[]): number[] {
  const found = [0];
  for (const i of order) found.push(found[found.length - 1]! + (noisy[i] ? 1 : 0));
  return found;
}

/** A seeded permutation (mulberry32 + Fisher–Yates): the random-order reviewer. */
export function shuffled(n: number, seed: number): number[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}
