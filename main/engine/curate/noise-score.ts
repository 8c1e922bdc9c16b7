/**
 * The noise score of the library's pairs (issue #9, DESIGN.md §3 "Curate"): how strongly the model's own evidence
 * says a caption does not describe its image. Four parts per pair, each a suspicion (higher = more suspicious):
 *
 * - `itm` = 1 − p(match): ITM head on the fused image+caption (spec §1.9), softmax of the two `itm_logits`.
 *   The fusion layers see every image token against every word, the model's most careful judgement.
 * - `captionRankPart` = 1 − 1/r_t, r_t the rank of the pair's own caption among the image's ITC neighbours over the
 *   library's distinct caption texts (texts of the same image's other pairs are not competitors).
 * - `imageRankPart` = 1 − 1/r_i, r_i the rank of the image among the caption's ITC neighbours over the library's
 *   images (images that carry the same caption text are not competitors: three styles of one emoji share a label).
 * - `momentum` = 1 − q, q the mass the momentum model's pseudo-target puts on the own caption: the softmax of
 *   f_i^m · f_t^m / τ over the library's distinct caption texts (spec §1.8 step 5, ALBEF's soft targets, with the
 *   momentum heads vision_proj_m / text_proj_m on the stored CLS features).
 *
 * The parts are combined by weights learned per library and model version (noise-combiner.ts,
 * self-supervised-combiner.ts; they also use the cosine, the CL loss and the margins kept below). The rule here,
 * `combineNoise`, is the fallback for libraries too small to fit (fewer than 40 pairs) and the benchmark's
 * "previous rule": each part is replaced by its percentile among the library's pairs (mid-rank / n, ties
 * share their mean rank), and score = Σ w_k · percentile_k / Σ w_k over the parts a pair has (ITM is missing where
 * the fusion graph could not run), w = { itm: 0.35, momentum: 0.35, captionRank: 0.15, imageRank: 0.15 }.
 * Percentiles, not the raw values, because the parts live on very different scales: with a thousand candidate
 * captions q is tiny for most pairs and 1 − q ≈ 1 everywhere, so a plain mean is ordered by whichever part happens
 * to spread most (seen on an intermediate checkpoint, docs/curation.md). The two probabilities carry most weight;
 * the ranks are coarse and mostly break ties. The score is in (0, 1) and relative to the library.
 */
import type { PairEvidence } from './pair-evidence';

export const NOISE_WEIGHTS = { itm: 0.35, momentum: 0.35, captionRank: 0.15, imageRank: 0.15 } as const;

/** A pair's evidence: the ITC parts from pair-evidence.ts plus the fusion graph's match probability. */
export interface NoiseEvidence extends Omit<PairEvidence, 'captions' | 'images'> {
  /** ITM p(match) in [0, 1]; null when the fusion graph was not run for this pair. */
  matchProbability: number | null;
}

export interface NoiseParts extends NoiseEvidence {
  itm: number | null;
  captionRankPart: number;
  imageRankPart: number;
  momentum: number;
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** p(match) from the two ITM logits (no-match, match), computed stably. */
export function matchProbability(noMatch: number, match: number): number {
  return 1 / (1 + Math.exp(noMatch - match));
}

export function rankPart(rank: number): number {
  if (!(rank >= 1)) throw new RangeError(`rank must be ≥ 1, got ${rank}`);
  return 1 - 1 / rank;
}

/** The four suspicions of one pair (kept for display), before they are combined over the library. */
export function noiseParts(e: NoiseEvidence): NoiseParts {
  return {
    ...e,
    itm: e.matchProbability === null ? null : clamp01(1 - e.matchProbability),
    captionRankPart: rankPart(e.captionRank),
    imageRankPart: rankPart(e.imageRank),
    momentum: clamp01(1 - e.pseudoTargetMass),
  };
}

/** Mid-rank percentile of each value among the defined ones ((rank − 0.5) / n, ties share their mean rank). */
export function percentiles(values: ReadonlyArray<number | null>): Array<number | null> {
  const idx = values.flatMap((v, i) => (v === null ? [] : [i])).sort((a, b) => values[a]! - values[b]!);
  const out: Array<number | null> = values.map(() => null);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j < idx.length && values[idx[j]!] === values[idx[i]!]) j++;
    const p = (i + j) / 2 / idx.length; // mean of the 0-based ranks i … j−1, plus 0.5, over n
    for (let k = i; k < j; k++) out[idx[k]!] = p;
    i = j;
  }
  return out;
}

/** The combined score of every pair of one library (see the rule above); same order as `parts`. */
export function combineNoise(parts: readonly NoiseParts[]): number[] {
  const w = NOISE_WEIGHTS;
  const itm = percentiles(parts.map((p) => p.itm));
  const momentum = percentiles(parts.map((p) => p.momentum));
  const caption = percentiles(parts.map((p) => p.captionRankPart));
  const image = percentiles(parts.map((p) => p.imageRankPart));
  return parts.map((_, i) => {
    let sum = w.momentum * momentum[i]! + w.captionRank * caption[i]! + w.imageRank * image[i]!;
    let weight = w.momentum + w.captionRank + w.imageRank;
    if (itm[i] !== null) {
      sum += w.itm * itm[i]!;
      weight += w.itm;
    }
    return clamp01(sum / weight);
  });
}
