import type { ReviewState } from '../store/caption-queries';
import type { MediaFilter } from '../store/media-filter';

/** An image to search with: a file dropped from outside, its bytes, or an item already in the library. */
export type ImageQuery = { file: string } | { bytes: Uint8Array; name?: string } | { libraryPath: string };

/**
 * One search (issue #6). Text → images, image → images, image → captions, text + image, with an optional
 * negative term: q = norm(a·text + b·image − c·negative) (weights default to a = b = 1, c = 0.5).
 */
export interface SearchRequest {
  text?: string;
  image?: ImageQuery;
  negativeText?: string;
  weights?: { text?: number; image?: number; negative?: number };
  /** What to return: images (default) or captions of the library's pairs. */
  target?: 'images' | 'captions';
  filter?: MediaFilter;
  offset?: number;
  limit?: number;
  /** Results scoring below this are cut; with re-ranking the default is 0.5 (even odds of a match). */
  minScore?: number;
  /** ITM re-rank of the top `topK` (text → images only); scores become calibrated match probabilities. */
  rerank?: boolean | { topK?: number };
}

export interface SearchHit {
  /** 1-based position in the full result list (offset + index + 1). */
  rank: number;
  path: string;
  mediaId: number;
  /** The score results are ordered and cut by: `cosine`, or `matchProbability` when re-ranked. */
  score: number;
  cosine: number;
  matchProbability?: number;
  kind?: string;
  takenAt?: number | null;
  thumbKey?: string | null;
  captionId?: number;
  text?: string;
  reviewState?: ReviewState;
}

export type SearchStrategy = 'exact' | 'hnsw' | 'hnsw-filtered' | 'exact-filtered';

export interface SearchResult {
  items: SearchHit[];
  scoreKind: 'cosine' | 'match-probability';
  cutoff: number | null;
  /** True when nothing passed the cut-off: say "no good match" instead of showing an irrelevant tail. */
  noGoodMatch: boolean;
  /** How many results passed the cut-off in all (for paging). */
  total: number;
  strategy: SearchStrategy;
  tookMs: number;
}

export const SEARCH_LIMITS = {
  maxLimit: 500,
  maxOffset: 10_000,
  defaultLimit: 24,
  defaultTopK: 50,
  maxTopK: 500,
} as const;
