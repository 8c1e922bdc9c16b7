/**
 * ALBEF's feature queues (spec §1.8 step 6), for one modality: a bank of B in-batch rows followed by a ring
 * of Q queued momentum features, their base-head twins (for the KD teacher, see candidate-loss.ts) and
 * their group ids. The in-batch rows sit in front of the ring in the same buffer, so the candidate bank
 * `[f_m ; queue]` is a view, never a copy. A fresh queue starts empty (no random vectors: empty slots are
 * simply not candidates), as §2.3 item 5 suggests for a new domain.
 */
import { type CandidateBank, EMPTY_GROUP } from './candidate-loss';

export class FeatureQueue {
  readonly batch: number;
  readonly capacity: number;
  readonly dim: number;
  private readonly features: Float32Array;
  private readonly baseFeatures: Float32Array | null;
  private readonly group: Int32Array;
  private readonly negativeOnly: Uint8Array;
  private ptr = 0;
  private filled = 0;

  constructor(batch: number, capacity: number, dim: number, withBase: boolean) {
    if (capacity % batch !== 0) {
      throw new Error(
        `FeatureQueue: queue size ${capacity} must be a multiple of the batch size ${batch} (spec §1.8 step 6)`,
      );
    }
    this.batch = batch;
    this.capacity = capacity;
    this.dim = dim;
    const rows = batch + capacity;
    this.features = new Float32Array(rows * dim);
    this.baseFeatures = withBase ? new Float32Array(rows * dim) : null;
    this.group = new Int32Array(rows).fill(EMPTY_GROUP);
    this.negativeOnly = new Uint8Array(rows);
  }

  /** Puts this step's in-batch momentum features (and base features) in front of the queue. */
  setBatch(
    features: ArrayLike<number>,
    baseFeatures: ArrayLike<number> | null,
    group: Int32Array,
    negativeOnly: Uint8Array,
  ): void {
    const n = this.batch * this.dim;
    for (let i = 0; i < n; i++) this.features[i] = features[i]!;
    if (this.baseFeatures && baseFeatures) for (let i = 0; i < n; i++) this.baseFeatures[i] = baseFeatures[i]!;
    this.group.set(group.subarray(0, this.batch));
    this.negativeOnly.set(negativeOnly.subarray(0, this.batch));
  }

  /** The candidate bank `[in-batch ; filled queue slots]`. */
  bank(): CandidateBank {
    const count = this.batch + this.filled;
    return {
      count,
      features: this.features.subarray(0, count * this.dim),
      baseFeatures: this.baseFeatures ? this.baseFeatures.subarray(0, count * this.dim) : null,
      group: this.group.subarray(0, count),
      negativeOnly: this.negativeOnly.subarray(0, count),
    };
  }

  /** Enqueue the in-batch rows at the pointer (dequeue the oldest), as after ALBEF's step. */
  advance(): void {
    if (this.capacity === 0) return;
    const d = this.dim;
    const dst = this.batch + this.ptr;
    this.features.copyWithin(dst * d, 0, this.batch * d);
    this.baseFeatures?.copyWithin(dst * d, 0, this.batch * d);
    this.group.copyWithin(dst, 0, this.batch);
    this.negativeOnly.copyWithin(dst, 0, this.batch);
    this.ptr = (this.ptr + this.batch) % this.capacity;
    this.filled = Math.min(this.capacity, this.filled + this.batch);
  }
}
