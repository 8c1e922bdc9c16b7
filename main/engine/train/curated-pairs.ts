/**
 * What the trainer learns from: image–caption pairs with the user's review state (issue #10, DESIGN.md §3
 * Curate → Fine-tune). The curation layer resolves its correction events into this shape.
 *
 * How each state trains (the rule, in one place):
 * - `confirmed`: a clean hard target; MoD weight `alphaConfirmed` (default 0: trust the human).
 * - `edited`: the user replaced or edited the caption; `captionIndex` points at the NEW caption's features,
 *   which train as a confirmed positive. The old caption is dropped (not passed in).
 * - `unreviewed`: may be noisy, so its targets lean on the momentum teacher: MoD weight `alpha`
 *   (ALBEF's 0.4 by default), i.e. y = α·softmax(s_m) + (1−α)·hard.
 * - `rejected`: the caption is wrong for this image. It leaves the positives: no text→image row, and its
 *   caption column is a negative only for rows of this pair's group (we know it is wrong for this image,
 *   not that it is wrong for every other image). The image still serves as a query row when other captions
 *   of its group are in the bank, and as a candidate image.
 * Both α values ramp linearly from 0 over the first `alphaRampEpochs` epochs (spec §1.8 warm-up).
 */
export type PairState = 'unreviewed' | 'confirmed' | 'rejected' | 'edited';

export interface CuratedPair {
  /** Row in the image CLS feature matrix. */
  imageIndex: number;
  /** Row in the caption CLS feature matrix (for `edited`: the corrected caption). */
  captionIndex: number;
  /**
   * Identity of what the image shows (image id, product id, concept): every caption whose pair has the same
   * group is a positive for the image, and vice versa (spec §1.8 step 4, idx-aware positives).
   */
  group: string | number;
  state: PairState;
}

export interface AlphaRule {
  alpha: number;
  alphaConfirmed: number;
}

/** The MoD weight of a pair before the ramp (see the module comment). */
export function pairAlpha(state: PairState, rule: AlphaRule): number {
  return state === 'unreviewed' ? rule.alpha : rule.alphaConfirmed;
}

export interface PairCounts {
  total: number;
  rejected: number;
  /** Pairs that are positives: all but the rejected ones. */
  usable: number;
  /** Distinct groups among usable pairs. */
  groups: number;
}

export function countPairs(pairs: readonly CuratedPair[]): PairCounts {
  const groups = new Set<string>();
  let rejected = 0;
  for (const p of pairs) {
    if (p.state === 'rejected') rejected++;
    else groups.add(String(p.group));
  }
  return { total: pairs.length, rejected, usable: pairs.length - rejected, groups: groups.size };
}

/**
 * The store's caption review state (main/engine/store caption-queries `ReviewState`) as a training state.
 * `corrected` means the current text differs from the imported one: it trains as `edited`, with the
 * features of the corrected text (which the curation layer must have embedded).
 */
export function pairStateFromReview(review: 'unreviewed' | 'accepted' | 'corrected' | 'rejected'): PairState {
  switch (review) {
    case 'accepted':
      return 'confirmed';
    case 'corrected':
      return 'edited';
    default:
      return review;
  }
}
