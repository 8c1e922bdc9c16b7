/**
 * The noise score of one pair (issue #9, DESIGN.md §3 "Curate"): how strongly the model's own evidence says the
 * caption does not describe the image. Four parts, each a suspicion in [0, 1] (0 = the model agrees with the pair):
 *
 * - `itm` = 1 − p(match): ITM head on the fused image+caption (spec §1.9), softmax of the two `itm_logits`.
 *   The fusion layers see every image token against every word, the model's most careful judgement.
 * - `captionRank` = 1 − 1/r_t, r_t the rank of the pair's own caption among the image's ITC neighbours over the
 *   library's distinct caption texts (texts of the same image's other pairs are not competitors).
 * - `imageRank` = 1 − 1/r_i, r_i the rank of the image among the caption's ITC neighbours over the library's images
 *   (images that carry the same caption text are not competitors: three styles of one emoji share a label).
 * - `momentum` = 1 − q, q the mass the momentum model's pseudo-target puts on the own caption: the softmax of
 *   f_i^m · f_t^m / τ over the library's distinct caption texts (spec §1.8 step 5, ALBEF's soft targets, with the
 *   momentum heads vision_proj_m / text_proj_m on the stored CLS features).
 *
 * Rule: score = Σ w_k · part_k / Σ w_k over the parts that exist (ITM is missing where no fusion graph ran), with
 * w = { itm: 0.35, momentum: 0.35, captionRank: 0.15, imageRank: 0.15 }. The two calibrated probabilities carry
 * most weight; the ranks are coarse (1 − 1/r jumps from 0 to 0.5 at rank 2) and are there to break ties when both
 * probabilities saturate. The weights were fixed before any benchmark run (bench/curate reports them unchanged).
 */
export const NOISE_WEIGHTS = { itm: 0.35, momentum: 0.35, captionRank: 0.15, imageRank: 0.15 } as const;

export interface NoiseEvidence {
  /** ITM p(match) in [0, 1]; null when the fusion graph was not run for this pair. */
  matchProbability: number | null;
  /** 1-based rank of the own caption among the image's candidate captions. */
  captionRank: number;
  /** 1-based rank of the image among the caption's candidate images. */
  imageRank: number;
  /** Momentum pseudo-target mass on the own caption, in [0, 1]. */
  pseudoTargetMass: number;
  /** Plain ITC cosine of the pair (a baseline, shown for reference). */
  cosine: number;
  /** Cross-entropy of the own caption under the student's softmax over the candidates (confident-learning baseline). */
  ownCaptionLoss: number;
}

export interface NoiseParts extends NoiseEvidence {
  itm: number | null;
  captionRankPart: number;
  imageRankPart: number;
  momentum: number;
}

export interface NoiseScore {
  score: number;
  parts: NoiseParts;
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

export function noiseScore(e: NoiseEvidence): NoiseScore {
  const itm = e.matchProbability === null ? null : clamp01(1 - e.matchProbability);
  const parts: NoiseParts = {
    ...e,
    itm,
    captionRankPart: rankPart(e.captionRank),
    imageRankPart: rankPart(e.imageRank),
    momentum: clamp01(1 - e.pseudoTargetMass),
  };
  let sum = NOISE_WEIGHTS.momentum * parts.momentum;
  sum += NOISE_WEIGHTS.captionRank * parts.captionRankPart + NOISE_WEIGHTS.imageRank * parts.imageRankPart;
  let weight = NOISE_WEIGHTS.momentum + NOISE_WEIGHTS.captionRank + NOISE_WEIGHTS.imageRank;
  if (itm !== null) {
    sum += NOISE_WEIGHTS.itm * itm;
    weight += NOISE_WEIGHTS.itm;
  }
  return { score: clamp01(sum / weight), parts };
}
