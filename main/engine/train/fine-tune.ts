/**
 * The head fine-tune (issue #10, DESIGN.md §3 Fine-tune): ITC over in-batch + queued momentum features with
 * grouped positives, momentum distillation (spec §1.8) and USI's KD against the frozen base heads (§2),
 * trained with AdamW, warm-up + cosine, on cached CLS features — no encoder runs, so it costs seconds.
 *
 * Pure computation: inputs in, new heads + loss curve + before/after recall out. Nothing is written
 * anywhere, so cancelling (AbortSignal, checked between steps) leaves nothing half-done.
 *
 * Example:
 *   const r = await fineTuneHeads({ imageFeatures, imageWidth: 768, captionFeatures, captionWidth: 768, pairs, base },
 *     { epochs: 5 }, { onProgress: (p) => console.log(p.step, p.loss.total), signal });
 */
import { AdamW, learningRate } from './adamw';
import { contrastiveStep, type PairBatch } from './contrastive-step';
import { countPairs, pairAlpha } from './curated-pairs';
import { FeatureQueue } from './feature-queue';
import { FineTuneError } from './fine-tune-error';
import { assertTrainable, checkInput, type FineTuneInput, gallery, toFloat32 } from './fine-tune-input';
import { DEFAULT_FINE_TUNE_OPTIONS, type FineTuneOptions, resolvePlan, TEMP_MAX, TEMP_MIN } from './fine-tune-options';
import {
  cloneHeads,
  emaUpdate,
  headParameters,
  projectRows,
  type ProjectionHeads,
  towerForward,
  withAdapters,
} from './heads';
import { splitByGroup } from './held-out-split';
import { type RecallReport, recallReport } from './recall';
import { mulberry32, shuffleInPlace } from './rng';

export { assertTrainable, type FineTuneInput } from './fine-tune-input';

export interface LossPoint {
  step: number;
  total: number;
  itc: number;
  kd: number;
  lr: number;
  alpha: number;
  temp: number;
}

export interface FineTuneProgress {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: LossPoint;
  /** Every loss point since the previous report (reports are throttled; a live curve needs them all). */
  points: LossPoint[];
  elapsedSeconds: number;
  etaSeconds: number;
}

export interface FineTuneHooks {
  onProgress?: (p: FineTuneProgress) => void;
  signal?: AbortSignal;
}

export interface FineTuneResult {
  heads: ProjectionHeads;
  /** The EMA heads (the `_m` copies of the new version, used by curation's pseudo-targets). */
  momentumHeads: ProjectionHeads;
  lossCurve: LossPoint[];
  before: RecallReport;
  after: RecallReport;
  counts: { trainPairs: number; heldOutPairs: number; heldOutGroups: number; rejected: number };
  plan: ReturnType<typeof resolvePlan>;
  options: FineTuneOptions;
  /** Set by the worker: every image/caption of the input under the new heads (see reproject.ts). */
  reprojected?: { images: Float32Array; texts: Float32Array; dim: number };
  /** Wall time of the whole call. */
  seconds: number;
  /** Where it went: base projection + "before" recall, the training loop, the "after" evaluation. */
  timing: { prepareSeconds: number; trainSeconds: number; evaluateSeconds: number; secondsPerEpoch: number };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function fineTuneHeads(
  input: FineTuneInput,
  options: Partial<FineTuneOptions> = {},
  hooks: FineTuneHooks = {},
): Promise<FineTuneResult> {
  const t0 = performance.now();
  const o: FineTuneOptions = { ...DEFAULT_FINE_TUNE_OPTIONS, ...options };
  checkInput(input);
  assertTrainable(input.pairs, o);
  const { pairs, imageFeatures: XI, captionFeatures: XT, imageWidth: WV, captionWidth: WT } = input;
  const split = splitByGroup(pairs, o.heldOutFraction, o.minHeldOutGroups);
  const trainUsable = split.train.filter((i) => pairs[i]!.state !== 'rejected').length;
  if (trainUsable < 2)
    throw new FineTuneError(
      'too-few-pairs',
      `After holding out ${split.heldOutGroups} groups for evaluation only ${trainUsable} pairs remain to train on.`,
    );
  const groupId = new Map<string, number>();
  for (const p of pairs) if (!groupId.has(String(p.group))) groupId.set(String(p.group), groupId.size);

  const base = toFloat32(input.base);
  const dim = base.vision.proj.outDim;
  const baseTemp = base.temp[0]!;
  const nI = XI.length / WV;
  const nT = XT.length / WT;
  // Base embeddings of every item: the KD teacher's features (fixed, so computed once) and the "before".
  const baseImageEmb = projectRows(base.vision, XI, nI);
  const baseTextEmb = projectRows(base.text, XT, nT);
  const before = recallReport(gallery(pairs, split.heldOut, groupId, baseImageEmb, baseTextEmb, dim));

  const random = mulberry32(o.seed);
  let student = cloneHeads(base);
  if (o.adapterHidden > 0) student = withAdapters(student, o.adapterHidden, random);
  const momentum = cloneHeads(student);
  const params = headParameters(student);
  const optimizer = new AdamW(params, { weightDecay: o.weightDecay });
  const skip = new Set(o.trainTemp ? [] : ['temp']);

  const plan = resolvePlan(o, split.train.length);
  const B = plan.batchSize;
  const useKd = o.alphaKd > 0;
  const imageQueue = new FeatureQueue(B, plan.queueSize, dim, useKd);
  const textQueue = new FeatureQueue(B, plan.queueSize, dim, useKd);
  const order = Int32Array.from(split.train);
  const imageCls = new Float32Array(B * WV);
  const textCls = new Float32Array(B * WT);
  const baseImage = useKd ? new Float32Array(B * dim) : null;
  const baseText = useKd ? new Float32Array(B * dim) : null;
  const group = new Int32Array(B);
  const rejected = new Uint8Array(B);
  const noRejection = new Uint8Array(B);
  const pairAlphaBase = new Float64Array(B);
  const alpha = new Float64Array(B);
  const lossCurve: LossPoint[] = [];
  const rampSteps = Math.max(1, plan.stepsPerEpoch * o.alphaRampEpochs);
  let lastReport = -Infinity;
  let reported = 0;
  const trainStart = performance.now();

  for (let step = 0, epoch = 0; epoch < plan.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (let s = 0; s < plan.stepsPerEpoch; s++, step++) {
      if (hooks.signal?.aborted)
        throw new FineTuneError(
          'cancelled',
          `Fine-tune cancelled at step ${step} of ${plan.totalSteps}; the current model version is unchanged.`,
        );
      for (let k = 0; k < B; k++) {
        const p = pairs[order[s * B + k]!]!;
        imageCls.set(XI.subarray(p.imageIndex * WV, (p.imageIndex + 1) * WV), k * WV);
        textCls.set(XT.subarray(p.captionIndex * WT, (p.captionIndex + 1) * WT), k * WT);
        baseImage?.set(baseImageEmb.subarray(p.imageIndex * dim, (p.imageIndex + 1) * dim), k * dim);
        baseText?.set(baseTextEmb.subarray(p.captionIndex * dim, (p.captionIndex + 1) * dim), k * dim);
        group[k] = groupId.get(String(p.group))!;
        rejected[k] = p.state === 'rejected' ? 1 : 0;
        pairAlphaBase[k] = pairAlpha(p.state, o);
      }
      const ramp = Math.min(1, step / rampSteps);
      for (let k = 0; k < B; k++) alpha[k] = pairAlphaBase[k]! * ramp;
      // ALBEF: θm ← m·θm + (1−m)·θ before the momentum features are computed (spec §1.8).
      emaUpdate(momentum, student, plan.momentum);
      const momentumImage = towerForward(momentum.vision, imageCls, B).emb;
      const momentumText = towerForward(momentum.text, textCls, B).emb;
      imageQueue.setBatch(momentumImage, baseImage, group, noRejection);
      textQueue.setBatch(momentumText, baseText, group, rejected);
      const batch: PairBatch = {
        size: B,
        imageCls,
        textCls,
        momentumImage,
        momentumText,
        baseImage,
        baseText,
        group,
        rejected,
        alpha,
      };
      const temp = student.temp[0]!;
      const { loss, grad } = contrastiveStep(student, batch, imageQueue.bank(), textQueue.bank(), {
        alphaKd: o.alphaKd,
        teacherTemp: temp,
        baseTemp,
      });
      const lr = learningRate(step, {
        peakLr: o.lr,
        minLr: o.minLr,
        warmupSteps: plan.warmupSteps,
        totalSteps: plan.totalSteps,
      });
      optimizer.step(headParameters(grad), lr, skip);
      student.temp[0] = Math.min(TEMP_MAX, Math.max(TEMP_MIN, student.temp[0]!));
      imageQueue.advance();
      textQueue.advance();

      const point: LossPoint = { step, ...loss, lr, alpha: o.alpha * ramp, temp };
      lossCurve.push(point);
      const now = performance.now();
      const last = step === plan.totalSteps - 1;
      if (hooks.onProgress && (last || now - lastReport >= o.progressIntervalMs)) {
        lastReport = now;
        const elapsed = (now - trainStart) / 1000;
        hooks.onProgress({
          step: step + 1,
          totalSteps: plan.totalSteps,
          epoch,
          loss: point,
          points: lossCurve.slice(reported),
          elapsedSeconds: elapsed,
          etaSeconds: (elapsed / (step + 1)) * (plan.totalSteps - step - 1),
        });
        reported = lossCurve.length;
      }
      await yieldToEventLoop(); // lets a cancel message or abort() land between steps
    }
  }
  if (hooks.signal?.aborted)
    throw new FineTuneError(
      'cancelled',
      'Fine-tune cancelled after the last step; the current model version is unchanged.',
    );

  const trainSeconds = (performance.now() - trainStart) / 1000;
  const evalStart = performance.now();
  const after = recallReport(
    gallery(pairs, split.heldOut, groupId, projectRows(student.vision, XI, nI), projectRows(student.text, XT, nT), dim),
  );
  return {
    heads: student,
    momentumHeads: momentum,
    lossCurve,
    before,
    after,
    counts: {
      trainPairs: split.train.length,
      heldOutPairs: split.heldOut.length,
      heldOutGroups: split.heldOutGroups,
      rejected: countPairs(pairs).rejected,
    },
    plan,
    options: o,
    seconds: (performance.now() - t0) / 1000,
    timing: {
      prepareSeconds: (trainStart - t0) / 1000,
      trainSeconds,
      evaluateSeconds: (performance.now() - evalStart) / 1000,
      secondsPerEpoch: trainSeconds / plan.epochs,
    },
  };
}
