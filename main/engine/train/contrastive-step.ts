/**
 * Forward + backward of one training step over a batch of pairs: both towers, both directions,
 * `loss = (L_i2t + L_t2i)/2 + α_kd·(KL_i2t + KL_t2i)/2` (spec §1.8 step 5, §2.3 item 1).
 * The momentum heads must already be EMA-updated for this step (ALBEF updates them before computing
 * momentum features); their features and the base-head features are inputs here, not differentiated.
 */
import { candidateLoss, type CandidateBank, type QueryRows } from './candidate-loss';
import { type ProjectionHeads, towerBackward, towerForward, zeroHeadsLike } from './heads';
import type { Vec } from './matmul';

export interface PairBatch {
  size: number;
  /** [size, Wv] / [size, Wt] frozen CLS features. */
  imageCls: Vec;
  textCls: Vec;
  /** [size, E] features of the momentum heads (this step's teacher) — also what gets enqueued. */
  momentumImage: Vec;
  momentumText: Vec;
  /** [size, E] features of the frozen base heads; null when KD is off. */
  baseImage: Vec | null;
  baseText: Vec | null;
  group: Int32Array;
  /** 1 = the user rejected this caption for this image (no t2i row; the caption is a negative for its image). */
  rejected: Uint8Array;
  /** Per-pair MoD weight for this step. */
  alpha: Float64Array;
}

export interface StepLoss {
  total: number;
  itc: number;
  kd: number;
}

export interface StepResult {
  loss: StepLoss;
  grad: ProjectionHeads;
}

export interface StepOptions {
  alphaKd: number;
  /** τ of the momentum teacher's logits; the trainer passes the student's current τ (ALBEF, no-grad). */
  teacherTemp: number;
  baseTemp: number;
}

/**
 * `imageBank` holds text-side queries' candidates (images), `textBank` image-side queries' candidates;
 * their first `batch.size` rows must be this batch's momentum features (FeatureQueue.setBatch).
 */
export function contrastiveStep(
  student: ProjectionHeads,
  batch: PairBatch,
  imageBank: CandidateBank,
  textBank: CandidateBank,
  o: StepOptions,
): StepResult {
  const B = batch.size;
  const dim = student.vision.proj.outDim;
  const temp = student.temp[0]!;
  const vis = towerForward(student.vision, batch.imageCls, B);
  const txt = towerForward(student.text, batch.textCls, B);

  const t2iGroup = batch.group.slice();
  for (let k = 0; k < B; k++) if (batch.rejected[k]) t2iGroup[k] = -1;
  const i2tRows: QueryRows = {
    count: B,
    features: vis.emb,
    momentumFeatures: batch.momentumImage,
    baseFeatures: batch.baseImage,
    group: batch.group,
    alpha: batch.alpha,
  };
  const t2iRows: QueryRows = {
    count: B,
    features: txt.emb,
    momentumFeatures: batch.momentumText,
    baseFeatures: batch.baseText,
    group: t2iGroup,
    alpha: batch.alpha,
  };
  const common = { dim, temp, teacherTemp: o.teacherTemp, baseTemp: o.baseTemp, alphaKd: o.alphaKd, scale: 0.5 };
  const i2t = candidateLoss(i2tRows, textBank, common);
  const t2i = candidateLoss(t2iRows, imageBank, common);

  const grad = zeroHeadsLike(student);
  towerBackward(student.vision, vis, i2t.dQuery, grad.vision);
  towerBackward(student.text, txt, t2i.dQuery, grad.text);
  grad.temp[0] = i2t.dTemp + t2i.dTemp;
  const itc = i2t.itc + t2i.itc;
  const kd = i2t.kd + t2i.kd;
  return { loss: { total: itc + o.alphaKd * kd, itc, kd }, grad };
}
