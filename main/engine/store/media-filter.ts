import type { ReviewState } from './caption-queries';

/** Search filters (issue #6): folder prefix, date range, media kind, pair review state. All optional. */
export interface MediaFilter {
  /** Absolute folder; matches files under it at any depth. */
  folder?: string;
  /** Inclusive range in ms since the epoch over the EXIF date, or the file's mtime where there is none. */
  takenFrom?: number;
  takenTo?: number;
  kinds?: string[];
  /** For images: has a caption in one of these states. For captions: the caption's own state. */
  reviewStates?: ReviewState[];
}

export type VectorSpace = 'image' | 'text';

export function isEmptyFilter(f: MediaFilter | undefined): boolean {
  return (
    !f ||
    (f.folder === undefined &&
      f.takenFrom === undefined &&
      f.takenTo === undefined &&
      (f.kinds === undefined || f.kinds.length === 0) &&
      (f.reviewStates === undefined || f.reviewStates.length === 0))
  );
}

/**
 * WHERE clause over `m` (media) and, for the text space, `c` (captions). The SQL text depends only on
 * which filters are present, so one prepared statement serves each shape.
 */
export function filterClause(f: MediaFilter, space: VectorSpace): { sql: string; key: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (f.folder !== undefined) {
    const base = f.folder.replace(/[/\\]+$/, '');
    const sep = f.folder.includes('\\') && !f.folder.includes('/') ? '\\' : '/';
    // A range on the UNIQUE(path) index instead of LIKE (no escaping of %/_ in real folder names).
    parts.push('(m.path >= ? AND m.path < ?)');
    params.push(base + sep, base + String.fromCharCode(sep.charCodeAt(0) + 1));
  }
  if (f.takenFrom !== undefined) {
    parts.push('coalesce(m.taken_at, m.mtime_ms) >= ?');
    params.push(f.takenFrom);
  }
  if (f.takenTo !== undefined) {
    parts.push('coalesce(m.taken_at, m.mtime_ms) <= ?');
    params.push(f.takenTo);
  }
  if (f.kinds && f.kinds.length > 0) {
    parts.push('m.kind IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(f.kinds));
  }
  if (f.reviewStates && f.reviewStates.length > 0) {
    parts.push(
      space === 'text'
        ? 'c.review_state IN (SELECT value FROM json_each(?))'
        : 'EXISTS (SELECT 1 FROM captions rc WHERE rc.media_id = m.id AND rc.review_state IN (SELECT value FROM json_each(?)))',
    );
    params.push(JSON.stringify(f.reviewStates));
  }
  const sql = parts.length ? parts.join(' AND ') : '1';
  return { sql, key: `${space}:${sql}`, params };
}
