/** Search failures a person can act on; `{ name, code, message }` so they survive IPC (style.md §3). */
export type SearchErrorCode = 'QUERY_EMPTY' | 'QUERY_TOO_LONG' | 'NOT_AN_IMAGE' | 'UNKNOWN_ITEM' | 'BAD_QUERY';

export class SearchError extends Error {
  override readonly name = 'SearchError';
  constructor(
    readonly code: SearchErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export function isSearchError(e: unknown, code?: SearchErrorCode): e is SearchError {
  if (typeof e !== 'object' || e === null) return false;
  const r = e as { name?: unknown; code?: unknown };
  return r.name === 'SearchError' && (code === undefined || r.code === code);
}
