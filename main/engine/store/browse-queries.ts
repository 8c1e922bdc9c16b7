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

/** What removing a library root takes out of the library (the files on disk are never touched). */
export interface RootContents {
  photos: number;
  captions: number;
  corrections: number;
}

/**
 * Reads of the photo-album UI (issue #8): paged, filtered media for the virtualised grid, the folder/root/
 * collection counts of the sidebar, and one photo's captions with their text vectors. The one write is
 * `removeRoot` (Settings → library roots), done only after the person confirmed what `rootContents` counted.
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
  private readonly revisionStmt;
  private readonly byIdsStmt;
  private readonly rootContentsStmt;
  private readonly rootLabelsStmt;
  private readonly removeRootStmt;
  private readonly idStmts = new Map<string, Database.Statement<unknown[], number>>();

  constructor(private readonly db: Database.Database) {
    this.rootsStmt = db.prepare<[], FolderCount>(
      'SELECT root AS path, count(*) AS count FROM media GROUP BY root ORDER BY root',
    );
    this.dirsStmt = db.prepare<[], string>('SELECT path FROM media').pluck();
    this.sourcesStmt = db.prepare<[], { source: string; count: number }>(
      'SELECT source, count(*) AS count FROM captions GROUP BY source ORDER BY source',
    );
    this.kindsStmt = db.prepare<[], { kind: string }>('SELECT DISTINCT kind FROM media ORDER BY kind');
    this.captionsStmt = db.prepare<[number, number], Record<string, unknown>>(`
      SELECT c.id AS captionId, c.current_text AS text, c.source, c.review_state AS reviewState, e.data
      FROM captions c LEFT JOIN embeddings e ON e.caption_id = c.id AND e.model_version_id = ?
      WHERE c.media_id = ? ORDER BY c.id`);
    this.byIdsStmt = db.prepare<[string], BrowseItem>(`
      SELECT m.id AS mediaId, m.path, m.kind, m.taken_at AS takenAt, m.width, m.height, m.thumb_key AS thumbKey,
             (SELECT c.current_text FROM captions c WHERE c.media_id = m.id ORDER BY c.id LIMIT 1) AS caption
      FROM media m WHERE m.id IN (SELECT value FROM json_each(?))`);
    this.revisionStmt = db.prepare<[], number>('SELECT total_changes()').pluck();
    this.rootContentsStmt = db.prepare<{ root: string }, RootContents>(`
      SELECT (SELECT count(*) FROM media WHERE root = @root) AS photos,
             (SELECT count(*) FROM captions c JOIN media m ON m.id = c.media_id WHERE m.root = @root) AS captions,
             (SELECT count(*) FROM corrections k JOIN captions c ON c.id = k.caption_id
                JOIN media m ON m.id = c.media_id WHERE m.root = @root) AS corrections`);
    this.rootLabelsStmt = db.prepare<{ root: string }, { label: number; modelVersionId: number; space: string }>(`
      SELECT e.id AS label, e.model_version_id AS modelVersionId, e.space FROM embeddings e
        JOIN media m ON m.id = e.media_id WHERE m.root = @root
      UNION ALL
      SELECT e.id, e.model_version_id, e.space FROM embeddings e
        JOIN captions c ON c.id = e.caption_id JOIN media m ON m.id = c.media_id WHERE m.root = @root`);
    // Captions, corrections, embeddings, features and pair scores go with their media row (ON DELETE CASCADE).
    this.removeRootStmt = db.prepare<{ root: string }>('DELETE FROM media WHERE root = @root');
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
      // The page's ids first, then its columns: SQLite computes a select list before sorting, so the caption
      // sub-select in the outer query runs for 240 rows instead of all 100,000 (measured 250 ms → see docs/ui.md).
      stmt = this.db.prepare<unknown[], BrowseItem>(`
        SELECT m.id AS mediaId, m.path, m.kind, m.taken_at AS takenAt, m.width, m.height, m.thumb_key AS thumbKey,
               (SELECT c.current_text FROM captions c WHERE c.media_id = m.id ORDER BY c.id LIMIT 1) AS caption
        FROM (SELECT m.id FROM media m WHERE ${where.sql} ORDER BY ${ORDER_SQL[order]} LIMIT ? OFFSET ?) p
        JOIN media m ON m.id = p.id ORDER BY ${ORDER_SQL[order]}`);
      this.pageStmts.set(key, stmt);
    }
    return stmt.all(...where.params, limit, offset);
  }

  /** Every id that passes `filter`, in `order` (the catalog keeps this list so later pages skip the sort). */
  orderedIds(filter: MediaFilter, order: BrowseOrder): Int32Array {
    const where = filterClause(filter, 'image');
    const key = `ids|${where.key}|${order}`;
    let stmt = this.idStmts.get(key);
    if (!stmt) {
      stmt = this.db
        .prepare<unknown[], number>(`SELECT m.id FROM media m WHERE ${where.sql} ORDER BY ${ORDER_SQL[order]}`)
        .pluck();
      this.idStmts.set(key, stmt);
    }
    return Int32Array.from(stmt.all(...where.params));
  }

  /** Grid items for these ids, in the order given. */
  byIds(ids: ArrayLike<number>): BrowseItem[] {
    const rows = this.byIdsStmt.all(JSON.stringify(Array.from(ids)));
    const byId = new Map(rows.map((r) => [r.mediaId, r]));
    return Array.from(ids, (id) => byId.get(id)).filter((r): r is BrowseItem => r !== undefined);
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
    // Parent folders counted while streaming paths: ~10x faster than string functions in a GROUP BY at 100k rows.
    const counts = new Map<string, number>();
    for (const path of this.dirsStmt.iterate()) {
      const dir = path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'), 0));
      counts.set(dir, (counts.get(dir) ?? 0) + 1);
    }
    return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, count]) => ({ path, count }));
  }

  /**
   * Changes whenever this connection wrote anything (cache key of the catalog's id lists and overview). O(1):
   * the library lock guarantees this connection is the only writer (DESIGN.md §5).
   */
  revision(): number {
    return this.revisionStmt.get() ?? 0;
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

  /** What `removeRoot(root)` would take out of the library. */
  rootContents(root: string): RootContents {
    return this.rootContentsStmt.get({ root }) ?? { photos: 0, captions: 0, corrections: 0 };
  }

  /**
   * Deletes every media row imported under `root` with its captions, corrections and vectors, in one
   * transaction; returns the vector labels that went, so the caller marks them deleted in the open indexes.
   */
  removeRoot(root: string): Array<{ label: number; modelVersionId: number; space: string }> {
    return this.db.transaction(() => {
      const labels = this.rootLabelsStmt.all({ root });
      this.removeRootStmt.run({ root });
      return labels;
    })();
  }
}
