/**
 * Calibrated ITM probabilities (issue #6: re-ranked scores are probabilities people can trust).
 *
 * ITM's head gives two logits (no-match, match); softmax gives p = σ(ℓ₁ − ℓ₀). The head is trained on a
 * balanced mix of positives and hard negatives (ALBEF §3.2), so its raw probabilities are over-confident
 * on the easy negatives a search meets. We apply temperature scaling (Guo et al. 2017, "On Calibration of
 * Modern Neural Networks"): p = σ((ℓ₁ − ℓ₀ − b)/T), with T > 0 and bias b fitted by minimising the negative
 * log-likelihood on labelled pairs of the library's own data (true pairs vs shuffled captions). Two
 * parameters cannot change the ranking, only what the numbers mean. The fit is checked with the expected
 * calibration error (ECE, 10 equal-width bins) before and after; the identity (T=1, b=0) is the default when
 * no labelled set has been seen.
 */

export interface ItmCalibration {
  temperature: number;
  bias: number;
  /** How many labelled pairs the fit saw (0 = identity, not fitted). */
  fittedOn: number;
  eceBefore?: number;
  eceAfter?: number;
}

export const IDENTITY_CALIBRATION: ItmCalibration = { temperature: 1, bias: 0, fittedOn: 0 };

/** Match probability of one (no-match, match) logit pair under a calibration. */
export function matchProbability(noMatch: number, match: number, c: ItmCalibration = IDENTITY_CALIBRATION): number {
  const z = (match - noMatch - c.bias) / c.temperature;
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export interface LabelledMargin {
  /** ℓ₁ − ℓ₀ of one pair. */
  margin: number;
  isMatch: boolean;
}

function nll(samples: readonly LabelledMargin[], t: number, b: number): number {
  let s = 0;
  for (const { margin, isMatch } of samples) {
    const z = (margin - b) / t;
    // log(1 + e^{-z}) for positives, log(1 + e^{z}) for negatives, computed stably.
    const x = isMatch ? -z : z;
    s += x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }
  return s / samples.length;
}

/**
 * Fits (T, b) by minimising NLL: coordinate descent with golden-section line searches over log T and b.
 * Deterministic, dependency-free and plenty for two parameters on a convex-in-b, unimodal-in-T objective.
 */
export function fitCalibration(samples: readonly LabelledMargin[]): ItmCalibration {
  if (samples.length < 20 || samples.every((s) => s.isMatch) || samples.every((s) => !s.isMatch)) {
    throw new RangeError('calibration needs at least 20 labelled pairs with both matches and non-matches');
  }
  let logT = 0;
  let b = 0;
  for (let round = 0; round < 30; round++) {
    const prev = [logT, b];
    logT = goldenMin((x) => nll(samples, Math.exp(x), b), -5, 5);
    b = goldenMin((x) => nll(samples, Math.exp(logT), x), -30, 30);
    if (Math.abs(prev[0]! - logT) < 1e-6 && Math.abs(prev[1]! - b) < 1e-6) break;
  }
  const fitted: ItmCalibration = { temperature: Math.exp(logT), bias: b, fittedOn: samples.length };
  return {
    ...fitted,
    eceBefore: expectedCalibrationError(samples, IDENTITY_CALIBRATION),
    eceAfter: expectedCalibrationError(samples, fitted),
  };
}

function goldenMin(f: (x: number) => number, lo: number, hi: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let bb = hi;
  let c = bb - g * (bb - a);
  let d = a + g * (bb - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 80 && bb - a > 1e-7; i++) {
    if (fc < fd) {
      bb = d;
      d = c;
      fd = fc;
      c = bb - g * (bb - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (bb - a);
      fd = f(d);
    }
  }
  return (a + bb) / 2;
}

export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  meanConfidence: number;
  fractionMatches: number;
}

/** Reliability diagram data: per confidence bin, the mean predicted p and the observed match rate. */
export function reliability(samples: readonly LabelledMargin[], c: ItmCalibration, bins = 10): ReliabilityBin[] {
  const out: ReliabilityBin[] = Array.from({ length: bins }, (_, i) => ({
    lo: i / bins,
    hi: (i + 1) / bins,
    count: 0,
    meanConfidence: 0,
    fractionMatches: 0,
  }));
  for (const s of samples) {
    const p = matchProbability(0, s.margin, c);
    const bin = out[Math.min(bins - 1, Math.floor(p * bins))]!;
    bin.count++;
    bin.meanConfidence += p;
    bin.fractionMatches += s.isMatch ? 1 : 0;
  }
  for (const bin of out) {
    if (bin.count > 0) {
      bin.meanConfidence /= bin.count;
      bin.fractionMatches /= bin.count;
    }
  }
  return out;
}

/** ECE = Σ_bins (n_bin / n) · |mean p − match rate|. */
export function expectedCalibrationError(samples: readonly LabelledMargin[], c: ItmCalibration, bins = 10): number {
  const n = samples.length;
  return reliability(samples, c, bins).reduce(
    (s, b) => s + (b.count / n) * Math.abs(b.meanConfidence - b.fractionMatches),
    0,
  );
}
