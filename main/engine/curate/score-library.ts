/**
 * Scores every pair of a library for one model version (issue #9): stored embeddings (student ITC), momentum
 * embeddings from the stored CLS features through the momentum heads (spec §1.8), ITM p(match) through the fusion
 * graph, combined by noise-score.ts; writes the scores, their parts and the suggestions in one transaction.
 *
 * Runs as the `curate-scores` job after a pairs import and whenever the model version changes (curation.ts).
 * Pairs whose image or caption has no stored embedding yet are left out and counted.
 *
 * @example const r = await scoreLibrary({ store, modelVersionId, momentum, itm }); console.log(r.scored);
 */
import type { ProjectionHeads } from '../train/heads';
import { projectRows } from '../train/heads';
import type { LibraryStore } from '../store/library-store';
import { combineNoise, noiseParts, type NoiseParts } from './noise-score';
import { pairEvidence, type EvidenceMatrix } from './pair-evidence';

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
  itm?: ItmScorer;
  /** Images per ITM call (the scorer gets this many at a time). */
  itmBatch?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface ScoreLibraryResult {
  scored: ScoredPair[];
  /** Pairs without a stored image or caption embedding. */
  skipped: number;
  seconds: { evidence: number; itm: number };
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
  const imageFeat = cur.features(mv, 'media');
  const textFeat = cur.features(mv, 'caption');
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
  const evidence = await pairEvidence(
    images,
    texts,
    pairs.map((p) => ({ imageRow: imageRowOf.get(p.mediaId)!, textRow: textRowOf.get(p.text)! })),
    { temp: momentum.temp[0]!, between: () => new Promise<void>((resolve) => setImmediate(resolve)) },
  );
  const evidenceSeconds = (performance.now() - t0) / 1000;

  const t1 = performance.now();
  const itm = input.itm ? await itmByCaption(input, pairs) : new Map<number, [number, number] | null>();
  const itmSeconds = (performance.now() - t1) / 1000;

  const parts = pairs.map((p, k) => {
    const e = evidence[k]!;
    const logits = itm.get(p.captionId) ?? null;
    return noiseParts({
      matchProbability: logits ? 1 / (1 + Math.exp(logits[0] - logits[1])) : null,
      captionRank: e.captionRank,
      imageRank: e.imageRank,
      pseudoTargetMass: e.pseudoTargetMass,
      cosine: e.cosine,
      ownCaptionLoss: e.ownCaptionLoss,
    });
  });
  const scores = combineNoise(parts);
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
  return { scored, skipped: all.length - pairs.length, seconds: { evidence: evidenceSeconds, itm: itmSeconds } };
}

export function storeScores(store: LibraryStore, modelVersionId: number, scored: readonly ScoredPair[]): void {
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

async function itmByCaption(
  input: ScoreLibraryInput,
  pairs: ReadonlyArray<{ captionId: number; mediaId: number; path: string; text: string }>,
): Promise<Map<number, [number, number] | null>> {
  const byImage = new Map<number, { mediaId: number; path: string; texts: string[]; captionIds: number[] }>();
  for (const p of pairs) {
    const g = byImage.get(p.mediaId) ?? { mediaId: p.mediaId, path: p.path, texts: [], captionIds: [] };
    g.texts.push(p.text);
    g.captionIds.push(p.captionId);
    byImage.set(p.mediaId, g);
  }
  const groups = [...byImage.values()];
  const out = new Map<number, [number, number] | null>();
  const batch = input.itmBatch ?? 16;
  for (let i = 0; i < groups.length; i += batch) {
    if (input.signal?.aborted) throw Object.assign(new Error('scoring cancelled'), { code: 'CANCELLED' });
    const slice = groups.slice(i, i + batch);
    const logits = await input.itm!(slice);
    slice.forEach((g, j) => g.captionIds.forEach((id, k) => out.set(id, logits[j]?.[k] ?? null)));
    input.onProgress?.(Math.min(i + batch, groups.length), groups.length);
  }
  return out;
}
