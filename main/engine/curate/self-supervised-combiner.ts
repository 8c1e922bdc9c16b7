/**
 * Self-supervised weights for the noise score (issue #9): for one library and model version, inject synthetic
 * mismatches into a random sample of the library's own pairs (synthetic-mismatch.ts, swap and hard), compute the
 * same evidence for the corrupted copies as for the real pairs (pair-evidence.ts, ITM on the injected captions),
 * and fit the logistic combiner (noise-combiner.ts) to tell the injected pairs from the library's pairs. The fitted
 * weights say how much this model's parts are worth on this library; nothing in the fit sees a true noise label.
 * Then a second fit without the library pairs that already look injected (`refine`, PU learning's reliable
 * negatives). The defaults (20% per mode, hard from the 5 nearest texts, refine at the injected pairs' lower
 * quartile) were chosen on a development split (data/emoji train_ext noisy files), never on the benchmark's
 * train_core files (docs/curation.md).
 *
 * Two steps, because ITM needs the image tokens: `planSelfSupervision` says which extra (image, caption) pairs
 * need an ITM pass (the caller adds them to its one pass over the images), `fitSelfSupervised` fits afterwards.
 *
 * @example
 *   const plan = planSelfSupervision(pairs, texts);
 *   // … ITM for pairs ∪ plan.extraItm …
 *   const combiner = plan && (await fitSelfSupervised({ plan, images, texts, temp, itm }));
 */
import {
  aurocOf,
  COMBINER_FEATURES,
  featureRow,
  fitLogistic,
  type FitOptions,
  type NoiseCombiner,
} from './noise-combiner';
import { pairEvidence, type EvidenceMatrix, type EvidencePair } from './pair-evidence';
import {
  injectMismatches,
  sampleIndices,
  splitmix32,
  type CorruptedLibrary,
  type MismatchMode,
} from './synthetic-mismatch';

/** Below these a fit is not trustworthy; the fixed rule (noise-score.ts `combineNoise`) is used instead. */
export const MIN_PAIRS = 40;
export const MIN_TEXTS = 8;

export interface SelfSupervisionOptions {
  /** Share of pairs corrupted per mode (default 0.2) and its cap (default 600 pairs per mode). */
  rate?: number;
  maxPairs?: number;
  /** Library pairs (label 0) kept per mode in the fit sample (default 1200). */
  maxClean?: number;
  seed?: number;
  ridge?: number;
  /** Smallest library (pairs) to fit on; default MIN_PAIRS. */
  minPairs?: number;
  /** Injection modes (default swap and hard) and, for hard, how many nearest caption texts to draw from. */
  modes?: MismatchMode[];
  nearest?: number;
  /** Centre of the ridge: 'none' (0) or 'cl-loss' (weight `priorWeight` on the CL loss, 0 elsewhere). */
  prior?: 'none' | 'cl-loss';
  priorWeight?: number;
  /** Sign-constrained fit (noise-combiner.ts FitOptions.monotone). */
  monotone?: boolean;
  /** Reliable-negative refit: drop library pairs scoring above this quantile of the injected ones (0 = off). */
  refine?: number;
}

export interface SelfSupervisionPlan {
  libraries: CorruptedLibrary[];
  /** (image, caption) pairs of the corrupted copies that the real library does not have: they need ITM. */
  extraItm: EvidencePair[];
  options: Required<SelfSupervisionOptions>;
}

const DEFAULTS: Required<SelfSupervisionOptions> = {
  rate: 0.2,
  maxPairs: 600,
  maxClean: 1200,
  seed: 0x5e1f5eed,
  ridge: 100,
  refine: 0.25,
  monotone: false,
  prior: 'cl-loss',
  priorWeight: 1,
  minPairs: MIN_PAIRS,
  modes: ['swap', 'hard'],
  nearest: 5,
};

export const itmKey = (p: EvidencePair): string => `${p.imageRow}:${p.textRow}`;

export function planSelfSupervision(
  pairs: readonly EvidencePair[],
  texts: EvidenceMatrix,
  options: SelfSupervisionOptions = {},
): SelfSupervisionPlan | null {
  const o = { ...DEFAULTS, ...options };
  if (pairs.length < o.minPairs || texts.count < MIN_TEXTS) return null;
  const libraries = o.modes.map((mode, i) =>
    injectMismatches(pairs, texts, {
      mode,
      rate: o.rate,
      maxPairs: o.maxPairs,
      seed: o.seed + i,
      nearest: o.nearest,
    }),
  );
  const real = new Set(pairs.map(itmKey));
  const extra = new Map<string, EvidencePair>();
  for (const lib of libraries)
    lib.pairs.forEach((p, k) => {
      if (lib.synthetic[k] && !real.has(itmKey(p))) extra.set(itmKey(p), p);
    });
  if (libraries.every((l) => !l.synthetic.some(Boolean))) return null;
  return { libraries, extraItm: [...extra.values()], options: o };
}

export interface FitInput {
  plan: SelfSupervisionPlan;
  images: EvidenceMatrix;
  texts: EvidenceMatrix;
  temp: number;
  /** ITM logits (no-match, match) of a pair of the real library or of plan.extraItm; null where missing. */
  itm: (p: EvidencePair) => [number, number] | null;
  between?: () => Promise<void>;
}

export async function fitSelfSupervised(input: FitInput): Promise<NoiseCombiner> {
  const { plan, images, texts, temp } = input;
  const o = plan.options;
  const rand = splitmix32(o.seed ^ 0xa5a5a5a5);
  const rows: Array<Array<number | null>> = [];
  const labels: boolean[] = [];
  const positives: Record<string, number> = {};
  let negatives = 0;
  for (const lib of plan.libraries) {
    const ev = await pairEvidence(images, texts, lib.pairs, {
      temp,
      top: 0,
      ...(input.between ? { between: input.between } : {}),
    });
    const clean = lib.pairs.flatMap((_, k) => (lib.synthetic[k] ? [] : [k]));
    const keep = [
      ...lib.pairs.flatMap((_, k) => (lib.synthetic[k] ? [k] : [])),
      ...sampleIndices(clean.length, o.maxClean, rand).map((i) => clean[i]!),
    ];
    for (const k of keep) {
      const e = ev[k]!;
      const l = input.itm(lib.pairs[k]!);
      rows.push(
        featureRow({
          matchProbability: l ? 1 / (1 + Math.exp(l[0] - l[1])) : null,
          captionRank: e.captionRank,
          imageRank: e.imageRank,
          pseudoTargetMass: e.pseudoTargetMass,
          cosine: e.cosine,
          ownCaptionLoss: e.ownCaptionLoss,
          captionMargin: e.captionMargin,
          imageMargin: e.imageMargin,
        }),
      );
      labels.push(lib.synthetic[k]!);
      if (lib.synthetic[k]) positives[lib.mode] = (positives[lib.mode] ?? 0) + 1;
      else negatives++;
    }
  }
  // Held-out check: fit on 4/5 of the sample, measure on the rest; then fit on all of it.
  const order = sampleIndices(rows.length, rows.length, rand);
  const test = new Set(order.slice(0, Math.floor(rows.length / 5)));
  const trainIdx = rows.map((_, i) => i).filter((i) => !test.has(i));
  const partial = fitProcedure(
    trainIdx.map((i) => rows[i]!),
    trainIdx.map((i) => labels[i]!),
    o,
  );
  const testIdx = [...test];
  const heldOutAuroc = aurocOf(
    testIdx.map((i) => linear(partial, rows[i]!)),
    testIdx.map((i) => labels[i]!),
  );
  const full = fitProcedure(rows, labels, o);
  const { iterations, dropped, ...combiner } = full;
  return {
    ...combiner,
    fit: {
      positives,
      negatives,
      droppedNegatives: dropped,
      refine: o.refine,
      heldOutAuroc,
      seed: o.seed,
      ridge: o.ridge,
      iterations,
    },
  };
}

/**
 * Fit, then (refine > 0) fit again without the library pairs that score above the `refine` quantile of the
 * injected ones: the "as imported" class holds the library's real noise, which looks like the injected pairs and
 * blurs the fit (PU learning's reliable negatives).
 */
function fitProcedure(
  rows: ReadonlyArray<ReadonlyArray<number | null>>,
  labels: readonly boolean[],
  o: Required<SelfSupervisionOptions>,
): ReturnType<typeof fitLogistic> & { dropped: number } {
  const first = fitLogistic(rows, labels, fitOptions(o));
  if (!(o.refine > 0)) return { ...first, dropped: 0 };
  const s = rows.map((r) => linear(first, r));
  const pos = s.filter((_, i) => labels[i]).sort((a, b) => a - b);
  if (pos.length === 0) return { ...first, dropped: 0 };
  const t = pos[Math.min(pos.length - 1, Math.floor(o.refine * pos.length))]!;
  const keep = rows.map((_, i) => i).filter((i) => labels[i] || s[i]! < t);
  const second = fitLogistic(
    keep.map((i) => rows[i]!),
    keep.map((i) => labels[i]!),
    fitOptions(o),
  );
  return { ...second, dropped: rows.length - keep.length };
}

function fitOptions(o: Required<SelfSupervisionOptions>): FitOptions {
  const prior = COMBINER_FEATURES.map((f) => (o.prior === 'cl-loss' && f === 'ownCaptionLoss' ? o.priorWeight : 0));
  return { ridge: o.ridge, monotone: o.monotone, prior };
}

/** The linear predictor of a raw feature row (for the held-out AUROC; monotone in the score). */
function linear(
  c: Pick<NoiseCombiner, 'mean' | 'std' | 'weights' | 'bias'>,
  row: ReadonlyArray<number | null>,
): number {
  return row.reduce<number>(
    (a, v, f) => a + (v === null || !Number.isFinite(v) ? 0 : ((v - c.mean[f]!) / c.std[f]!) * c.weights[f]!),
    c.bias,
  );
}
