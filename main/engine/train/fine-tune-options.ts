/**
 * Knobs of a head fine-tune, with the defaults the one-click button uses, and how they are resolved
 * against the data (batch capped by the pair count, queue rounded to a multiple of the batch, EMA decay
 * chosen from the step count).
 */
export interface FineTuneOptions {
  /** Epochs over the training pairs; raised when needed to reach `minSteps`. */
  epochs: number;
  /**
   * At least this many optimiser steps: a 200-pair library at batch 128 would otherwise get one step per
   * epoch, five in all — nothing would be learnt.
   */
  minSteps: number;
  batchSize: number;
  /** Rounded down to a multiple of the batch (spec §1.8 step 6). */
  queueSize: number;
  /** Peak lr. Heads-only training tolerates far more than ALBEF's full-model 1e-5 (spec §2.3 item 8). */
  lr: number;
  minLr: number;
  /** Fraction of all steps spent in linear warm-up. */
  warmupFraction: number;
  weightDecay: number;
  /** MoD weight for unreviewed pairs (ALBEF alpha 0.4); 0 disables momentum distillation. */
  alpha: number;
  /** MoD weight for confirmed/edited pairs. */
  alphaConfirmed: number;
  /** α ramps linearly from 0 over this many epochs (ALBEF 1, LAVIS 2). */
  alphaRampEpochs: number;
  /** EMA decay of the momentum heads, or 'auto': horizon 1/(1−m) ≈ 10% of all steps (spec §2.3 item 7). */
  momentum: number | 'auto';
  /** Weight of USI's KL(p_base ‖ p_student); 0 disables KD. */
  alphaKd: number;
  /** Train τ (clamped to [0.001, 0.5] like ALBEF pre-training) or keep the base τ. */
  trainTemp: boolean;
  /** Hidden width of the residual adapter before each projection; 0 = no adapter. */
  adapterHidden: number;
  seed: number;
  heldOutFraction: number;
  /** At least this many groups are held out for the before/after figure. */
  minHeldOutGroups: number;
  /** Refuse below this many usable (non-rejected) training pairs. */
  minPairs: number;
  /** Refuse below this many distinct groups among usable pairs (contrastive learning needs negatives). */
  minGroups: number;
  /** Minimum time between two progress callbacks (the last step is always reported). */
  progressIntervalMs: number;
}

export const DEFAULT_FINE_TUNE_OPTIONS: Readonly<FineTuneOptions> = {
  epochs: 5,
  minSteps: 100,
  batchSize: 128,
  queueSize: 1024,
  lr: 1e-3,
  minLr: 1e-5,
  warmupFraction: 0.05,
  weightDecay: 0.02,
  alpha: 0.4,
  alphaConfirmed: 0,
  alphaRampEpochs: 1,
  momentum: 'auto',
  alphaKd: 1,
  trainTemp: true,
  adapterHidden: 0,
  seed: 1,
  heldOutFraction: 0.1,
  minHeldOutGroups: 2,
  minPairs: 32,
  minGroups: 8,
  progressIntervalMs: 200,
};

export const TEMP_MIN = 0.001;
export const TEMP_MAX = 0.5;

export interface ResolvedPlan {
  epochs: number;
  batchSize: number;
  queueSize: number;
  stepsPerEpoch: number;
  totalSteps: number;
  warmupSteps: number;
  momentum: number;
}

export function resolvePlan(o: FineTuneOptions, trainPairs: number): ResolvedPlan {
  const batchSize = Math.max(2, Math.min(o.batchSize, trainPairs));
  // The queue never holds more than the rest of the training set, so a small library does not see the
  // same pair's stale features several times in one bank.
  const queueCap = Math.max(0, Math.floor((trainPairs - batchSize) / batchSize) * batchSize);
  const queueSize = Math.min(Math.floor(o.queueSize / batchSize) * batchSize, queueCap);
  // drop_last as in ALBEF's train loader: every step has a full batch, so the queue pointer stays aligned.
  const stepsPerEpoch = Math.max(1, Math.floor(trainPairs / batchSize));
  const epochs = Math.max(o.epochs, Math.ceil(o.minSteps / stepsPerEpoch));
  const totalSteps = stepsPerEpoch * epochs;
  const warmupSteps = Math.min(totalSteps, Math.max(1, Math.round(o.warmupFraction * totalSteps)));
  const momentum =
    o.momentum === 'auto' ? Math.min(0.995, Math.max(0.9, 1 - 1 / Math.max(10, 0.1 * totalSteps))) : o.momentum;
  return { epochs, batchSize, queueSize, stepsPerEpoch, totalSteps, warmupSteps, momentum };
}
