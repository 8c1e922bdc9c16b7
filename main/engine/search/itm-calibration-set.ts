import type { LibraryStore } from '../store/library-store';
import type { VectorIndex } from '../vector/vector-index';
import {
  expectedCalibrationError,
  fitCalibration,
  matchProbability,
  reliability,
  type ItmCalibration,
  type LabelledMargin,
  type ReliabilityBin,
} from './itm-calibration';
import type { QueryEncoder } from './query-encoder';
import { calibrationKey } from './search-session';

export interface CalibrationRun {
  calibration: ItmCalibration;
  /** ECE on the held-out half, before (raw softmax) and after the fit, and its reliability bins after. */
  heldOut: {
    pairs: number;
    eceBefore: number;
    eceAfter: number;
    reliability: ReliabilityBin[];
    /**
     * How well ITM tells a caption's own image from the others at all (area under the ROC of the margin; the
     * calibration cannot change it): 0.5 = chance. Low AUROC + low ECE = honest but uninformative probabilities.
     */
    auroc: number;
    /** Mean calibrated p(match) per kind of judgement: own image, nearest other image (hard), random image. */
    meanProbability: { own: number; nearest: number; random: number };
  };
}

type JudgementKind = 'own' | 'nearest' | 'random';

/**
 * Fits the ITM calibration of one model version on the library's own pairs and stores it (settings
 * `itm.calibration.<model version>`): positives are reviewed pairs (accepted/corrected, with their current
 * caption), or all pairs when fewer than `minReviewed` are reviewed; each positive gets one random negative
 * (another pair's image) and one hard negative (the image nearest to its own by ITC that is not it), because
 * re-ranking judges top-k images that all look alike. Half of the captions fit, the other half check.
 */
export async function calibrateItm(
  store: LibraryStore,
  encoder: QueryEncoder,
  images: VectorIndex,
  options: { pairs?: number; minReviewed?: number; seed?: number } = {},
): Promise<CalibrationRun> {
  const mv = store.modelVersions.byName(encoder.modelVersion);
  if (!mv) throw new RangeError(`the library has no model version "${encoder.modelVersion}"`);
  const pairs = samplePairs(store, mv.id, options.pairs ?? 400, options.minReviewed ?? 100, options.seed ?? 1);
  if (pairs.length < 20)
    throw new RangeError(`calibration needs at least 20 embedded pairs; the library has ${pairs.length}`);
  const samples: Array<Array<LabelledMargin & { kind: JudgementKind }>> = [];
  let rand = options.seed ?? 1;
  const nextInt = (n: number) => (rand = (rand * 1103515245 + 12345) >>> 0) % n;
  for (const p of pairs) {
    const own = store.vectors.byLabels([p.imageLabel])[0];
    if (!own) continue;
    const near = images.search(own.vector, 2).find((h) => h.label !== p.imageLabel);
    const random = pairs[nextInt(pairs.length)]!;
    const candidates = [
      p.path,
      ...(near ? [store.vectors.imageHits([near.label]).get(near.label)?.path] : []),
      random.path,
    ].filter((x): x is string => x !== undefined);
    const labels = [true, ...candidates.slice(1).map((path) => path === p.path)];
    const kinds: JudgementKind[] = ['own', ...(near && candidates.length === 3 ? ['nearest' as const] : []), 'random'];
    const tokens = [];
    for (const path of candidates) tokens.push((await encoder.embedImage(path)).tokens);
    const logits = await encoder.itmLogits(p.text, tokens);
    samples.push(
      labels.map((isMatch, i) => ({ margin: logits[2 * i + 1]! - logits[2 * i]!, isMatch, kind: kinds[i]! })),
    );
  }
  const fitOn = samples.filter((_, i) => i % 2 === 0).flat();
  const check = samples.filter((_, i) => i % 2 === 1).flat();
  const calibration = fitCalibration(fitOn);
  store.settings.set(calibrationKey(mv.name), calibration);
  return {
    calibration,
    heldOut: {
      pairs: check.length,
      eceBefore: expectedCalibrationError(check, { temperature: 1, bias: 0, fittedOn: 0 }),
      eceAfter: expectedCalibrationError(check, calibration),
      reliability: reliability(check, calibration).filter((b) => b.count > 0),
      auroc: auroc(check),
      meanProbability: {
        own: meanP(check, 'own', calibration),
        nearest: meanP(check, 'nearest', calibration),
        random: meanP(check, 'random', calibration),
      },
    },
  };
}

/** P(margin of a match > margin of a non-match), ties counting half (Mann–Whitney). */
function auroc(samples: readonly LabelledMargin[]): number {
  const sorted = [...samples].sort((a, b) => a.margin - b.margin);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j]!.margin === sorted[i]!.margin) j++;
    const midRank = (i + j + 1) / 2; // 1-based ranks i+1..j
    for (let t = i; t < j; t++) {
      if (sorted[t]!.isMatch) {
        rankSum += midRank;
        positives++;
      }
    }
    i = j;
  }
  const negatives = sorted.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function meanP(
  samples: ReadonlyArray<LabelledMargin & { kind: JudgementKind }>,
  kind: JudgementKind,
  c: ItmCalibration,
): number {
  const of = samples.filter((s) => s.kind === kind);
  return of.reduce((sum, s) => sum + matchProbability(0, s.margin, c), 0) / Math.max(1, of.length);
}

interface PairRow {
  imageLabel: number;
  path: string;
  text: string;
}

function samplePairs(
  store: LibraryStore,
  modelVersionId: number,
  max: number,
  minReviewed: number,
  seed: number,
): PairRow[] {
  const reviewed = store.vectors.pairsForCalibration(modelVersionId, ['accepted', 'corrected'], max, seed);
  if (reviewed.length >= minReviewed) return reviewed;
  return store.vectors.pairsForCalibration(modelVersionId, ['unreviewed', 'accepted', 'corrected'], max, seed);
}
