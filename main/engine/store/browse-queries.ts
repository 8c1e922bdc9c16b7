import type Database from 'better-sqlite3';
import type { ReviewState } from './caption-queries';
import { filterClause, type MediaFilter } from './media-filter';
import { blobToVector } from './vector-codec';

/** How the photo grid is ordered (issue #8): by date (EXIF, else mtime) or by path. */
export type BrowseOrder = 'newest' | 'oldest' | 'path';

/** One cell of the photo grid: enough to draw it and to name it for a screen reader. */
export interface BrowseItem {
  mediaId: number;
  path: string;
  kind: string;
  takenAt: number | null;
  width: number | null;
  height: number | null;
  thumbKey: string | null;
  /** The first caption's current text, when the photo is part of a pair. */
  caption: string | null;
}

export interface FolderCount {
  path: string;
  count: number;
}

/** A caption with the vectors needed to score it against its image (image→text panel). */
export interface CaptionWithVector {
  captionId: number;
  text: string;
  source: string;
  reviewState: ReviewState;
  vector: Float32Array | null;
}

const ORDER_SQL: Record<BrowseOrder, string> = {
  newest: 'coalesce(m.taken_at, m.mtime_ms) DESC, m.id DESC',
  oldest: 'coalesce(m.taken_at, m.mtime_ms) ASC, m.id ASC',
  path: 'm.path ASC',
};

/**
 * Reads of the photo-album UI (issue #8): paged, filtered media for the virtualised grid, the folder/root/
 * collection counts of the sidebar, and one photo's captions with their text vectors. Read-only.
 * Statements are prepared per filter shape and order, once (the SQL text depends only on which filters are set).
 */
export class BrowseQueries {
  private readonly pageStmts = new Map<string, Database.Statement<unknown[], BrowseItem>>();
  private readonly countStmts = new Map<string, Database.Statement<unknown[], { n: number }>>();
  private readonly rootsStmt;
  private readonly dirsStmt;
  private readonly sourcesStmt;
  private readonly kindsStmt;
  private readonly captionsStmt;
  private readonly imageVectorStmt;

  constructor(private readonly db: Database.Database) {
    this.rootsStmt = db.prepare<[], FolderCount>(
      'SELECT root AS path, count(*) AS count FROM media GROUP BY root ORDER BY root',
    );
    // Parent folder of every file: strip the last path segment in SQL (rtrim of the file name's characters).
    this.dirsStmt = db.prepare<[], FolderCount>(`
      SELECT rtrim(rtrim(path, replace(path, '/', '')), '/') AS path, count(*) AS count
      FROM media GROUP BY 1 ORDER BY 1`);
    this.sourcesStmt = db.prepare<[], { source: string; count: number }>(
      'SELECT source, count(*) AS count FROM captions GROUP BY source ORDER BY source',
    );
    this.kindsStmt = db.prepare<[], { kind: string }>('SELECT DISTINCT kind FROM media ORDER BY kind');
    this.captionsStmt = db.prepare<[number, number], Record<string, unknown>>(`
      SELECT c.id AS captionId, c.current_text AS text, c.source, c.review_state AS reviewState, e.data
      FROM captions c LEFT JOIN embeddings e ON e.caption_id = c.id AND e.model_version_id = ?
      WHERE c.media_id = ? ORDER BY c.id`);
    this.imageVectorStmt = db.prepare<[number, number], { data: Buffer }>(
      'SELECT data FROM embeddings WHERE model_version_id = ? AND media_id = ?',
    );
  }

  /** One page of the grid, in `order`, with the same filters search uses. */
  page(filter: MediaFilter, order: BrowseOrder, offset: number, limit: number): BrowseItem[] {
    const where = filterClause(filter, 'image');
    const key = `${where.key}|${order}`;
    let stmt = this.pageStmts.get(key);
    if (!stmt) {
      stmt = this.db.prepare<unknown[], BrowseItem>(`
        SELECT m.id AS mediaId, m.path, m.kind, m.taken_at AS takenAt, m.width, m.height, m.thumb_key AS thumbKey,
               (SELECT c.current_text FROM captions c WHERE c.media_id = m.id ORDER BY c.id LIMIT 1) AS caption
        FROM media m WHERE ${where.sql} ORDER BY ${ORDER_SQL[order]} LIMIT ? OFFSET ?`);
      this.pageStmts.set(key, stmt);
    }
    return stmt.all(...where.params, limit, offset);
  }

  count(filter: MediaFilter): number {
    const where = filterClause(filter, 'image');
    let stmt = this.countStmts.get(where.key);
    if (!stmt) {
      stmt = this.db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM media m WHERE ${where.sql}`);
      this.countStmts.set(where.key, stmt);
    }
    return stmt.get(...where.params)?.n ?? 0;
  }

  roots(): FolderCount[] {
    return this.rootsStmt.all();
  }

  /** Every folder that directly holds media, with its file count (the sidebar nests them by path). */
  folders(): FolderCount[] {
    return this.dirsStmt.all();
  }

  /** Pair collections: one per caption source (e.g. `jsonl:pairs.jsonl`). */
  collections(): { source: string; count: number }[] {
    return this.sourcesStmt.all();
  }

  kinds(): string[] {
    return this.kindsStmt.all().map((r) => r.kind);
  }

  captionsOf(modelVersionId: number, mediaId: number): CaptionWithVector[] {
    return this.captionsStmt.all(modelVersionId, mediaId).map((r) => ({
      captionId: r.captionId as number,
      text: r.text as string,
      source: r.source as string,
      reviewState: r.reviewState as ReviewState,
      vector: r.data ? blobToVector(r.data as Buffer) : null,
    }));
  }

  imageVector(modelVersionId: number, mediaId: number): Float32Array | null {
    const r = this.imageVectorStmt.get(modelVersionId, mediaId);
    return r ? blobToVector(r.data) : null;
  }
}
