/**
 * Scores every pair of a library for one model version (issue #9): stored embeddings (student ITC), momentum
 * embeddings from the stored CLS features through the momentum heads (spec §1.8), ITM p(match) through the fusion
 * graph; the parts are combined by weights learned for this library and version from synthetic mismatches
 * (self-supervised-combiner.ts; the fixed rule of noise-score.ts below MIN_PAIRS). Writes the scores, their parts,
 * the suggestions and the fitted combiner in one transaction.
 *
 * Runs as the `curate-scores` job after a pairs import and whenever the model version changes (curation.ts).
 * Pairs whose image or caption has no stored embedding yet are left out and counted.
 *
 * @example const r = await scoreLibrary({ store, modelVersionId, momentum, itm }); console.log(r.scored);
 */
import type { ProjectionHeads } from '../train/heads';
import { projectRows } from '../train/heads';
import type { LibraryStore } from '../store/library-store';
import { applyCombiner, type NoiseCombiner } from './noise-combiner';
import { combineNoise, NOISE_WEIGHTS, noiseParts, type NoiseParts } from './noise-score';
import { pairEvidence, type EvidenceMatrix, type EvidencePair } from './pair-evidence';
import {
  fitSelfSupervised,
  itmKey,
  planSelfSupervision,
  type SelfSupervisionOptions,
} from './self-supervised-combiner';

/** What the review queue shows as one-key fixes and context for a pair (stored as JSON with the score). */
export interface PairSuggestions {
  /** Pseudo-target captions for the image, best first, never the pair's own text. */
  captions: Array<{ text: string; captionId: number; probability: number }>;
  /** The caption's nearest images other than the pair's own. */
  images: Array<{ mediaId: number; cosine: number }>;
}

export interface ScoredPair {
  captionId: number;
  mediaId: number;
  text: string;
  score: number;
  parts: NoiseParts;
  suggestions: PairSuggestions;
}

/** ITM logits (no-match, match) of each caption of one image; null where the model failed on it. */
export type ItmScorer = (
  images: ReadonlyArray<{ mediaId: number; path: string; texts: string[] }>,
) => Promise<Array<Array<[number, number] | null>>>;

export interface ScoreLibraryInput {
  store: LibraryStore;
  modelVersionId: number;
  /** The version's momentum heads (and temperature); without `_m` tensors they equal the student heads. */
  momentum: ProjectionHeads;
  /**
   * Where the CLS features are stored, when not under `modelVersionId`: a fine-tuned version (issue #10) has
   * only embeddings; its features are the bundle version's (the encoders are frozen).
   */
  featureVersionId?: number;
  itm?: ItmScorer;
  /** Images per ITM call (the scorer gets this many at a time). */
  itmBatch?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Options of the self-supervised fit (defaults: self-supervised-combiner.ts). */
  selfSupervision?: SelfSupervisionOptions;
}

export interface ScoreLibraryResult {
  scored: ScoredPair[];
  /** Pairs without a stored image or caption embedding. */
  skipped: number;
  /** The weights learned for this library and version; null where it was too small and the fixed rule ran. */
  combiner: NoiseCombiner | null;
  seconds: { evidence: number; itm: number; fit: number };
}

function pack(vectors: Map<number, Float32Array>, ids: readonly number[]): { data: Float32Array; dim: number } {
  const dim = ids.length ? vectors.get(ids[0]!)!.length : 0;
  const data = new Float32Array(ids.length * dim);
  ids.forEach((id, i) => data.set(vectors.get(id)!, i * dim));
  return { data, dim };
}

/** Computes (does not store) the scores; `storeScores` writes them. Split so the benchmark can read the parts. */
export async function scoreLibrary(input: ScoreLibraryInput): Promise<ScoreLibraryResult> {
  const { store, modelVersionId: mv, momentum } = input;
  const cur = store.curation;
  const imageEmb = cur.embeddings(mv, 'image');
  const textEmb = cur.embeddings(mv, 'text');
  const imageFeat = cur.features(input.featureVersionId ?? mv, 'media');
  const textFeat = cur.features(input.featureVersionId ?? mv, 'caption');
  const all = cur.pairs();
  const pairs = all.filter(
    (p) => imageEmb.has(p.mediaId) && textEmb.has(p.captionId) && imageFeat.has(p.mediaId) && textFeat.has(p.captionId),
  );
  const t0 = performance.now();

  // Distinct texts: one candidate per exact caption text, represented by its first caption.
  const textRowOf = new Map<string, number>();
  const textRep: number[] = [];
  const textOf: string[] = [];
  for (const p of pairs) {
    if (!textRowOf.has(p.text)) {
      textRowOf.set(p.text, textRep.length);
      textRep.push(p.captionId);
      textOf.push(p.text);
    }
  }
  const imageIds = [...new Set(pairs.map((p) => p.mediaId))];
  const imageRowOf = new Map(imageIds.map((id, i) => [id, i]));
  const images = matrix(imageEmb, imageFeat, imageIds, momentum.vision);
  const texts = matrix(textEmb, textFeat, textRep, momentum.text);
  const rows = pairs.map((p) => ({ imageRow: imageRowOf.get(p.mediaId)!, textRow: textRowOf.get(p.text)! }));
  const between = () => new Promise<void>((resolve) => setImmediate(resolve));
  const temp = momentum.temp[0]!;
  const evidence = await pairEvidence(images, texts, rows, { temp, between });
  // Synthetic mismatches of this library for the learned combiner (self-supervised-combiner.ts).
  const plan = planSelfSupervision(rows, texts, input.selfSupervision);
  const evidenceSeconds = (performance.now() - t0) / 1000;

  const t1 = performance.now();
  const pathOf = new Map(pairs.map((p) => [imageRowOf.get(p.mediaId)!, p.path]));
  const itm = input.itm
    ? await itmOfPairs(input, [...rows, ...(plan?.extraItm ?? [])], imageIds, pathOf, textOf)
    : new Map<string, [number, number] | null>();
  const itmSeconds = (performance.now() - t1) / 1000;
  const itmAt = (p: EvidencePair) => itm.get(itmKey(p)) ?? null;

  const t2 = performance.now();
  const combiner = plan ? await fitSelfSupervised({ plan, images, texts, temp, itm: itmAt, between }) : null;
  const parts = pairs.map((_, k) => {
    const e = evidence[k]!;
    const logits = itmAt(rows[k]!);
    return noiseParts({
      matchProbability: logits ? 1 / (1 + Math.exp(logits[0] - logits[1])) : null,
      captionRank: e.captionRank,
      imageRank: e.imageRank,
      pseudoTargetMass: e.pseudoTargetMass,
      cosine: e.cosine,
      ownCaptionLoss: e.ownCaptionLoss,
      captionMargin: e.captionMargin,
      imageMargin: e.imageMargin,
    });
  });
  const scores = combiner ? parts.map((p) => applyCombiner(combiner, p)) : combineNoise(parts);
  const fitSeconds = (performance.now() - t2) / 1000;
  const scored = pairs.map((p, k): ScoredPair => {
    const e = evidence[k]!;
    return {
      captionId: p.captionId,
      mediaId: p.mediaId,
      text: p.text,
      score: scores[k]!,
      parts: parts[k]!,
      suggestions: {
        captions: e.captions.map((c) => ({
          text: textOf[c.textRow]!,
          captionId: textRep[c.textRow]!,
          probability: c.probability,
        })),
        images: e.images.map((i) => ({ mediaId: imageIds[i.imageRow]!, cosine: i.cosine })),
      },
    };
  });
  return {
    scored,
    skipped: all.length - pairs.length,
    combiner,
    seconds: { evidence: evidenceSeconds, itm: itmSeconds, fit: fitSeconds },
  };
}

/** Settings key of the combiner that produced a model version's stored scores. */
export const combinerKey = (modelVersionId: number): string => `curation.combiner.${modelVersionId}`;

/** What produced the stored scores: the fitted combiner, or the fixed rule with its weights. */
export type StoredCombiner = NoiseCombiner | { kind: 'fixed'; weights: typeof NOISE_WEIGHTS };

/** Writes the scores and the combiner that made them in one transaction. */
export function storeScores(
  store: LibraryStore,
  modelVersionId: number,
  scored: readonly ScoredPair[],
  combiner: NoiseCombiner | null = null,
): void {
  store.transaction(() => {
    store.curation.replaceScores(
      modelVersionId,
      scored.map((s) => ({
        captionId: s.captionId,
        score: s.score,
        partsJson: JSON.stringify(s.parts),
        suggestionsJson: JSON.stringify(s.suggestions),
        scoredText: s.text,
      })),
    );
    const stored: StoredCombiner = combiner ?? { kind: 'fixed', weights: NOISE_WEIGHTS };
    store.settings.set(combinerKey(modelVersionId), stored);
  });
}

function matrix(
  emb: Map<number, Float32Array>,
  feat: Map<number, Float32Array>,
  ids: readonly number[],
  tower: ProjectionHeads['vision'],
): EvidenceMatrix {
  const e = pack(emb, ids);
  const f = pack(feat, ids);
  if (ids.length && f.dim !== tower.proj.inDim) {
    throw new RangeError(`stored CLS features are ${f.dim}-d; the momentum head expects ${tower.proj.inDim}-d`);
  }
  const memb = projectRows(tower, f.data, ids.length);
  return { emb: e.data, memb, count: ids.length, dim: e.dim };
}

/** ITM logits of each (image row, text row) pair, one vision pass per image (its captions fused on its tokens). */
async function itmOfPairs(
  input: ScoreLibraryInput,
  wanted: readonly EvidencePair[],
  imageIds: readonly number[],
  pathOf: ReadonlyMap<number, string>,
  textOf: readonly string[],
): Promise<Map<string, [number, number] | null>> {
  const byImage = new Map<number, number[]>();
  for (const p of wanted) {
    const list = byImage.get(p.imageRow) ?? [];
    if (!list.includes(p.textRow)) list.push(p.textRow);
    byImage.set(p.imageRow, list);
  }
  const groups = [...byImage.entries()];
  const out = new Map<string, [number, number] | null>();
  const batch = input.itmBatch ?? 16;
  for (let i = 0; i < groups.length; i += batch) {
    if (input.signal?.aborted) throw Object.assign(new Error('scoring cancelled'), { code: 'CANCELLED' });
    const slice = groups.slice(i, i + batch);
    const logits = await input.itm!(
      slice.map(([row, textRows]) => ({
        mediaId: imageIds[row]!,
        path: pathOf.get(row)!,
        texts: textRows.map((t) => textOf[t]!),
      })),
    );
    slice.forEach(([row, textRows], j) =>
      textRows.forEach((t, k) => out.set(itmKey({ imageRow: row, textRow: t }), logits[j]?.[k] ?? null)),
    );
    input.onProgress?.(Math.min(i + batch, groups.length), groups.length);
  }
  return out;
}
