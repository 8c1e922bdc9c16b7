/**
 * The learned combination of the noise score's parts (issue #9): a small logistic regression over the evidence of
 * a pair, fitted per library and model version on synthetic mismatches (self-supervised-combiner.ts), so that a
 * weak part of one model (e.g. a poorly trained ITM head) gets little weight and a strong one much, instead of
 * the fixed weights of `combineNoise` (kept as the fallback for libraries too small to fit).
 *
 * Features (each standardised by the fit sample's mean and standard deviation):
 * - `itmLogit`       log p/(1 − p) of the ITM match probability (spec §1.9); missing ITM = the sample mean;
 * - `logCaptionRank` / `logImageRank`  log of the ITC ranks (spec §1.9 step 3);
 * - `logPseudoTarget` log q, the momentum pseudo-target mass on the own caption (spec §1.8 step 5);
 * - `cosine`          the plain ITC cosine;
 * - `ownCaptionLoss`  −log p_student(own caption), confident learning's per-pair loss; with log q it spans the
 *                     momentum-teacher disagreement log q − log p (a linear model needs no separate feature);
 * - `captionMargin` / `imageMargin`  own cosine minus the best competing caption's / image's (CL's margin).
 * The score is σ(b + w·z) ∈ (0, 1): the fitted probability that the pair is a mismatch like the injected ones.
 */
import type { NoiseEvidence } from './noise-score';

export const COMBINER_FEATURES = [
  'itmLogit',
  'logCaptionRank',
  'logImageRank',
  'logPseudoTarget',
  'cosine',
  'ownCaptionLoss',
  'captionMargin',
  'imageMargin',
] as const;
export type CombinerFeature = (typeof COMBINER_FEATURES)[number];

/** +1 where a larger value means a more suspicious pair, −1 where it means a better match (same order). */
export const SUSPICION_SIGN: readonly number[] = [-1, 1, 1, -1, -1, 1, -1, -1];

/** How the combiner was fitted; stored with it so the queue's numbers can be traced. */
export interface CombinerFit {
  /** Synthetic mismatches (label 1) and library pairs (label 0) in the fit sample, by injection mode. */
  positives: Record<string, number>;
  negatives: number;
  /** Library pairs left out of the second fit (they scored like the injected ones: likely real noise). */
  droppedNegatives: number;
  /** The quantile of the injected pairs' first-fit scores above which library pairs were left out (0 = no refit). */
  refine: number;
  /** AUROC of a fit on 80% of the sample, on the other 20% (synthetic labels only: never a benchmark's). */
  heldOutAuroc: number | null;
  seed: number;
  ridge: number;
  iterations: number;
}

export interface NoiseCombiner {
  kind: 'logistic';
  features: CombinerFeature[];
  mean: number[];
  std: number[];
  /** Weights on the standardised features; 0 for a feature that did not vary in the sample. */
  weights: number[];
  bias: number;
  fit: CombinerFit;
}

const P_EPS = 1e-7;
const Q_FLOOR = 1e-30;

/** The raw feature vector of one pair (null for missing ITM), in COMBINER_FEATURES order. */
export function featureRow(e: NoiseEvidence): Array<number | null> {
  const p = e.matchProbability === null ? null : Math.min(1 - P_EPS, Math.max(P_EPS, e.matchProbability));
  return [
    p === null ? null : Math.log(p / (1 - p)),
    Math.log(e.captionRank),
    Math.log(e.imageRank),
    Math.log(Math.max(Q_FLOOR, e.pseudoTargetMass)),
    e.cosine,
    e.ownCaptionLoss,
    e.captionMargin,
    e.imageMargin,
  ];
}

export interface FitOptions {
  /** L2 penalty on the standardised weights (not the bias), in units of the summed log-loss. */
  ridge?: number;
  iterations?: number;
  /**
   * Monotone fit: every weight keeps its feature's suspicion sign (SUSPICION_SIGN) or is 0, so the score is a
   * weighted sum of suspicions and the fit cannot play two nearly collinear parts against each other.
   */
  monotone?: boolean;
  /** Centre of the ridge (standardised weights, COMBINER_FEATURES order); default all 0. */
  prior?: readonly number[];
}

/** Fits the logistic regression by Newton steps (IRLS) with a ridge; deterministic for a given sample. */
export function fitLogistic(
  rows: ReadonlyArray<ReadonlyArray<number | null>>,
  labels: readonly boolean[],
  options: FitOptions = {},
): Omit<NoiseCombiner, 'fit'> & { iterations: number } {
  const d = COMBINER_FEATURES.length;
  const ridge = options.ridge ?? 1;
  const maxIter = options.iterations ?? 50;
  const prior = options.prior ?? new Array<number>(d).fill(0);
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(1);
  const live: boolean[] = [];
  for (let f = 0; f < d; f++) {
    const v = rows.flatMap((r) => (r[f] === null || !Number.isFinite(r[f]!) ? [] : [r[f]!]));
    const m = v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
    const s = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
    mean[f] = m;
    live[f] = s > 1e-9;
    std[f] = live[f] ? s : 1;
  }
  const X = rows.map((r) => standardise(r, mean, std).map((z, f) => (live[f] ? z : 0)));
  const beta = new Array<number>(d + 1).fill(0); // [bias, w…]
  const loss = (b: readonly number[]): number => {
    let l = 0;
    X.forEach((x, i) => {
      const z = b[0]! + x.reduce((a, xf, f) => a + xf * b[f + 1]!, 0);
      // −log σ(±z), computed stably
      const m = labels[i] ? -z : z;
      l += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
    });
    for (let a = 1; a <= d; a++) l += 0.5 * ridge * (b[a]! - prior[a - 1]!) ** 2;
    return l;
  };
  let iterations = 0;
  for (; iterations < maxIter; iterations++) {
    const g = new Array<number>(d + 1).fill(0);
    const H = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    X.forEach((x, i) => {
      const z = beta[0]! + x.reduce((a, xf, f) => a + xf * beta[f + 1]!, 0);
      const p = 1 / (1 + Math.exp(-z));
      const r = (labels[i] ? 1 : 0) - p;
      const w = Math.max(p * (1 - p), 1e-12);
      const xa = [1, ...x];
      for (let a = 0; a <= d; a++) {
        g[a]! += r * xa[a]!;
        for (let b = a; b <= d; b++) H[a]![b]! += w * xa[a]! * xa[b]!;
      }
    });
    for (let a = 0; a <= d; a++) for (let b = 0; b < a; b++) H[a]![b] = H[b]![a]!;
    for (let a = 1; a <= d; a++) {
      g[a]! -= ridge * (beta[a]! - prior[a - 1]!);
      H[a]![a]! += live[a - 1] ? ridge : 1;
    }
    // Monotone: weights at 0 whose gradient points out of their allowed sign stay fixed (active set).
    const free = beta.map(
      (b, a) => a === 0 || !options.monotone || b * SUSPICION_SIGN[a - 1]! > 0 || g[a]! * SUSPICION_SIGN[a - 1]! > 0,
    );
    const idx = free.flatMap((f, a) => (f ? [a] : []));
    const sub = solve(
      idx.map((a) => idx.map((b) => H[a]![b]!)),
      idx.map((a) => g[a]!),
    );
    const step = new Array<number>(d + 1).fill(0);
    idx.forEach((a, k) => (step[a] = sub[k]!));
    // Damped: halve the (projected) step until the penalised loss does not rise, so the clamp cannot oscillate.
    const before = loss(beta);
    let next = beta;
    for (let t = 1, tries = 0; tries < 30; t /= 2, tries++) {
      next = beta.map((b, a) => {
        const v = b + t * step[a]!;
        return options.monotone && a > 0 && v * SUSPICION_SIGN[a - 1]! < 0 ? 0 : v;
      });
      if (loss(next) <= before + 1e-12) break;
    }
    let norm = 0;
    for (let a = 0; a <= d; a++) {
      norm = Math.max(norm, Math.abs(next[a]! - beta[a]!));
      beta[a] = next[a]!;
    }
    if (norm < 1e-8) {
      iterations++;
      break;
    }
  }
  return {
    kind: 'logistic',
    features: [...COMBINER_FEATURES],
    mean,
    std,
    weights: beta.slice(1).map((w, f) => (live[f] ? w : 0)),
    bias: beta[0]!,
    iterations,
  };
}

/** The score of each pair under a fitted combiner: σ(b + w·z), missing ITM at the fit sample's mean. */
export function applyCombiner(c: Pick<NoiseCombiner, 'mean' | 'std' | 'weights' | 'bias'>, e: NoiseEvidence): number {
  const z = standardise(featureRow(e), c.mean, c.std);
  const s = c.bias + z.reduce((a, zf, f) => a + zf * c.weights[f]!, 0);
  return 1 / (1 + Math.exp(-s));
}

function standardise(row: ReadonlyArray<number | null>, mean: readonly number[], std: readonly number[]): number[] {
  return row.map((v, f) => (v === null || !Number.isFinite(v) ? 0 : (v - mean[f]!) / std[f]!));
}

/** Gaussian elimination with partial pivoting (the system is (d+1)² and positive definite thanks to the ridge). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const piv = M[c]![c]!;
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / piv;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

/** AUROC by the Mann–Whitney statistic, ties one half; null when a class is empty. */
export function aurocOf(scores: readonly number[], labels: readonly boolean[]): number | null {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j < idx.length && scores[idx[j]!] === scores[idx[i]!]) j++;
    for (let k = i; k < j; k++)
      if (labels[idx[k]!]) {
        pos++;
        rankSum += (i + 1 + j) / 2;
      }
    i = j;
  }
  const neg = idx.length - pos;
  return pos === 0 || neg === 0 ? null : (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
