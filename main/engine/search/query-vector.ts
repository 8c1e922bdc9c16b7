import { normalise } from '../vector/exact-search';
import { SearchError } from './search-error';

/** Longest query text read (characters). ALBEF reads ≤ 30 words after pre_caption; this only bounds the work. */
export const MAX_QUERY_CHARS = 2000;

/** Checks a query text before any tokenizer sees it: empty and gigantic strings get a clear message. */
export function checkQueryText(text: string, field: string): string {
  const trimmed = text.trim();
  if (trimmed.length === 0)
    throw new SearchError('QUERY_EMPTY', `${field} is empty: type some words to search for`, field);
  if (text.length > MAX_QUERY_CHARS) {
    throw new SearchError(
      'QUERY_TOO_LONG',
      `${field} has ${text.length} characters; at most ${MAX_QUERY_CHARS} are accepted (the model reads about 30 words)`,
      field,
    );
  }
  return trimmed;
}

export interface QueryPart {
  vector: Float32Array;
  weight: number;
}

/**
 * Mixed query (issue #6): q = norm(Σ wᵢ·vᵢ) over the parts, where a negative term has a negative weight,
 * e.g. q = norm(a·t + b·i − c·neg). All parts are unit vectors of one embedding space (ITC), so a weighted
 * sum moves the query toward/away from each concept; the result is re-normalised for inner-product search.
 */
export function combineQuery(parts: readonly QueryPart[]): Float32Array {
  if (parts.length === 0) throw new SearchError('BAD_QUERY', 'a search needs text, an image or both');
  const dim = parts[0]!.vector.length;
  const sum = new Float32Array(dim);
  for (const { vector, weight } of parts) {
    if (!Number.isFinite(weight)) throw new SearchError('BAD_QUERY', `query weight ${weight} is not a finite number`);
    if (vector.length !== dim)
      throw new SearchError('BAD_QUERY', `query parts differ in dimension (${vector.length} vs ${dim})`);
    for (let i = 0; i < dim; i++) sum[i]! += weight * vector[i]!;
  }
  const q = normalise(sum);
  if (q.every((x) => x === 0)) {
    throw new SearchError('BAD_QUERY', 'the query terms cancel out (the negative term equals the positive one)');
  }
  return q;
}
