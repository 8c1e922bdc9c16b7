import type { LibraryStore } from '../store/library-store';
import { isEmptyFilter, type MediaFilter } from '../store/media-filter';
import type { Neighbour } from '../vector/exact-search';
import type { VectorIndex } from '../vector/vector-index';
import { ImageTokenCache } from './image-token-cache';
import { IDENTITY_CALIBRATION, matchProbability, type ItmCalibration } from './itm-calibration';
import type { ImageTokens, QueryEncoder } from './query-encoder';
import { checkQueryText, combineQuery, type QueryPart } from './query-vector';
import { SearchError } from './search-error';
import {
  SEARCH_LIMITS,
  type ImageQuery,
  type SearchHit,
  type SearchRequest,
  type SearchResult,
  type SearchStrategy,
} from './search-request';

export interface LibrarySearchParts {
  store: LibraryStore;
  encoder: QueryEncoder;
  modelVersionId: number;
  images: VectorIndex;
  captions: VectorIndex;
  tokenCache?: ImageTokenCache;
  calibration?: ItmCalibration;
  /** A filter that leaves at most this many vectors is searched exactly over those rows. */
  exactFilterMax?: number;
}

const ITM_BATCH = 16;

/**
 * Cross-modal search over one library and model version (DESIGN.md §3 "Search").
 *
 * @example
 *   const result = await search.search({ text: 'a red bicycle', filter: { folder: '/photos/2024' }, limit: 20 });
 *   if (result.noGoodMatch) show('no good match'); else show(result.items);
 */
export class LibrarySearch {
  private readonly exactFilterMax: number;

  constructor(private readonly parts: LibrarySearchParts) {
    // Crossover measured by bench/index/filters.ts (docs/benchmarks.md): exact costs 10–17 µs a row, HNSW filtered
    // search grows as the filter narrows; they meet near 2 000 rows.
    this.exactFilterMax = parts.exactFilterMax ?? 2_000;
  }

  async search(req: SearchRequest): Promise<SearchResult> {
    const t0 = performance.now();
    const limit = intIn(req.limit ?? SEARCH_LIMITS.defaultLimit, 1, SEARCH_LIMITS.maxLimit, 'limit');
    const offset = intIn(req.offset ?? 0, 0, SEARCH_LIMITS.maxOffset, 'offset');
    const target = req.target ?? 'images';
    const text = req.text === undefined ? undefined : checkQueryText(req.text, 'text');
    const negative = req.negativeText === undefined ? undefined : checkQueryText(req.negativeText, 'negativeText');
    if (text === undefined && req.image === undefined) {
      throw new SearchError('BAD_QUERY', 'a search needs text, an image or both');
    }
    const w = { text: 1, image: 1, negative: 0.5, ...req.weights };

    const queryParts: QueryPart[] = [];
    let excludeLabel: number | undefined;
    if (text !== undefined) queryParts.push({ vector: await this.textVector(text, 'text'), weight: w.text });
    if (req.image !== undefined) {
      const img = await this.imageVector(req.image);
      excludeLabel = target === 'images' ? img.label : undefined;
      queryParts.push({ vector: img.vector, weight: w.image });
    }
    if (negative !== undefined) {
      queryParts.push({ vector: await this.textVector(negative, 'negativeText'), weight: -w.negative });
    }
    const q = combineQuery(queryParts);

    const rerank = req.rerank && target === 'images' && text !== undefined;
    const topK = rerank
      ? intIn(
          typeof req.rerank === 'object' ? (req.rerank.topK ?? SEARCH_LIMITS.defaultTopK) : SEARCH_LIMITS.defaultTopK,
          1,
          SEARCH_LIMITS.maxTopK,
          'rerank.topK',
        )
      : 0;
    // With re-ranking, every page shown comes from ITM: a page past top-k widens the re-ranked set (cached tokens).
    const need = rerank ? Math.min(Math.max(offset + limit, topK), SEARCH_LIMITS.maxTopK) : offset + limit;
    const index = target === 'images' ? this.parts.images : this.parts.captions;
    const { neighbours, strategy } = this.nearest(index, q, need + (excludeLabel === undefined ? 0 : 1), req.filter);
    const kept = neighbours.filter((n) => n.label !== excludeLabel).slice(0, need);

    let hits: Candidate[] = target === 'images' ? this.describeImages(kept) : this.describeCaptions(kept);
    if (rerank) hits = await this.rerank(text!, hits);

    const scoreKind = rerank ? 'match-probability' : 'cosine';
    const cutoff = req.minScore ?? (rerank ? 0.5 : null);
    const passing = cutoff === null ? hits : hits.filter((h) => h.score >= cutoff);
    const items = passing.slice(offset, offset + limit).map((h, i) => ({ ...stripHash(h), rank: offset + i + 1 }));
    return {
      items,
      scoreKind,
      cutoff,
      noGoodMatch: passing.length === 0,
      total: passing.length,
      strategy,
      tookMs: performance.now() - t0,
    };
  }

  /** k-NN with filters: selective filters go exact over their rows, broad ones through HNSW's filtered search. */
  private nearest(
    index: VectorIndex,
    q: Float32Array,
    k: number,
    filter: MediaFilter | undefined,
  ): { neighbours: Neighbour[]; strategy: SearchStrategy } {
    if (isEmptyFilter(filter)) {
      return { neighbours: index.search(q, k), strategy: index.size < index.exactBelow ? 'exact' : 'hnsw' };
    }
    const labels = this.parts.store.vectors.labelsMatching(this.parts.modelVersionId, index.space, filter!);
    if (labels.length <= this.exactFilterMax || index.size < index.exactBelow) {
      return { neighbours: index.searchExact(q, k, labels), strategy: 'exact-filtered' };
    }
    const allowed = new Set(labels);
    const found = index.search(q, k, (label) => allowed.has(label));
    if (found.length >= Math.min(k, labels.length)) return { neighbours: found, strategy: 'hnsw-filtered' };
    // The beam ran dry before finding k allowed labels: the exact answer over the filtered rows is still cheap.
    return { neighbours: index.searchExact(q, k, labels), strategy: 'exact-filtered' };
  }

  /** The runtime refuses some texts (e.g. nothing left after pre_caption): say which field and why. */
  private async textVector(text: string, field: string): Promise<Float32Array> {
    try {
      return await this.parts.encoder.embedText(text);
    } catch (e) {
      throw new SearchError('BAD_QUERY', `${field} cannot be searched for: ${(e as Error).message}`, field);
    }
  }

  private async imageVector(image: ImageQuery): Promise<{ vector: Float32Array; label?: number }> {
    const { store, encoder, modelVersionId } = this.parts;
    if ('libraryPath' in image) {
      const label = store.vectors.imageLabelForPath(modelVersionId, image.libraryPath);
      const row = label === undefined ? undefined : store.vectors.byLabels([label])[0];
      if (!row) {
        throw new SearchError(
          'UNKNOWN_ITEM',
          `${image.libraryPath} is not an embedded image of this library`,
          'image.libraryPath',
        );
      }
      return { vector: row.vector, label };
    }
    const input = 'file' in image ? image.file : image.bytes;
    const name = 'file' in image ? image.file : (image.name ?? 'the dropped file');
    try {
      return { vector: (await encoder.embedImage(input)).embedding };
    } catch (e) {
      throw new SearchError(
        'NOT_AN_IMAGE',
        `${name} cannot be searched with: ${(e as Error).message}`,
        'file' in image ? 'image.file' : 'image.bytes',
      );
    }
  }

  private describeImages(neighbours: Neighbour[]): Candidate[] {
    const rows = this.parts.store.vectors.imageHits(neighbours.map((n) => n.label));
    return neighbours.flatMap((n) => {
      const r = rows.get(n.label);
      if (!r) return []; // deleted since the index was searched
      return [
        {
          rank: 0,
          path: r.path,
          mediaId: r.mediaId,
          score: n.score,
          cosine: n.score,
          kind: r.kind,
          takenAt: r.takenAt,
          thumbKey: r.thumbKey,
          contentHash: r.contentHash,
        },
      ];
    });
  }

  private describeCaptions(neighbours: Neighbour[]): SearchHit[] {
    const rows = this.parts.store.vectors.captionHits(neighbours.map((n) => n.label));
    return neighbours.flatMap((n) => {
      const r = rows.get(n.label);
      if (!r) return [];
      return [
        {
          rank: 0,
          path: r.path,
          mediaId: r.mediaId,
          score: n.score,
          cosine: n.score,
          captionId: r.captionId,
          text: r.text,
          reviewState: r.reviewState,
        },
      ];
    });
  }

  /** ITM re-rank (ALBEF §3.2 "ITM"): image tokens from the cache or recomputed; scores → calibrated p(match). */
  private async rerank(text: string, hits: Candidate[]): Promise<Candidate[]> {
    const { encoder, tokenCache } = this.parts;
    const calibration = this.parts.calibration ?? IDENTITY_CALIBRATION;
    const withTokens: { hit: Candidate; tokens: ImageTokens }[] = [];
    const unreadable: Candidate[] = [];
    for (const hit of hits) {
      const key = ImageTokenCache.key(encoder.modelVersion, hit.contentHash ?? hit.path);
      let tokens = tokenCache?.get(key);
      if (!tokens) {
        try {
          tokens = (await encoder.embedImage(hit.path)).tokens;
          tokenCache?.put(key, tokens);
        } catch {
          unreadable.push(hit); // moved or unreadable since ingest: keep its cosine rank, unscored by ITM
          continue;
        }
      }
      withTokens.push({ hit, tokens });
    }
    const scored: Candidate[] = [];
    for (let i = 0; i < withTokens.length; i += ITM_BATCH) {
      const batch = withTokens.slice(i, i + ITM_BATCH);
      const logits = await encoder.itmLogits(
        text,
        batch.map((b) => b.tokens),
      );
      batch.forEach(({ hit }, j) => {
        const p = matchProbability(logits[2 * j]!, logits[2 * j + 1]!, calibration);
        scored.push({ ...hit, score: p, matchProbability: p });
      });
    }
    scored.sort((a, b) => b.score - a.score || b.cosine - a.cosine);
    return [...scored, ...unreadable.map((h) => ({ ...h, score: 0 }))];
  }
}

/** A hit before paging; the content hash keys the image-token cache and is not part of the answer. */
type Candidate = SearchHit & { contentHash?: string };

function stripHash(h: Candidate): SearchHit {
  const { contentHash: _unused, ...rest } = h;
  return rest;
}

function intIn(v: number, min: number, max: number, field: string): number {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new SearchError('BAD_QUERY', `${field} must be an integer from ${min} to ${max}, got ${v}`, field);
  }
  return v;
}
