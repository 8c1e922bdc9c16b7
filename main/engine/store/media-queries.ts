import type Database from 'better-sqlite3';

/** A file as ingest sees it (DESIGN.md §3): identity is the path; the content hash finds moves and copies. */
export interface MediaInput {
  path: string;
  root: string;
  contentHash: string;
  size: number;
  mtimeMs: number;
  kind: string;
  width?: number | null;
  height?: number | null;
  takenAt?: number | null;
  camera?: string | null;
  gpsLat?: number | null;
  gpsLon?: number | null;
  thumbKey?: string | null;
}

export interface Media extends Required<MediaInput> {
  id: number;
  addedAt: number;
  updatedAt: number;
}

interface MediaRow {
  id: number;
  path: string;
  root: string;
  content_hash: string;
  size: number;
  mtime_ms: number;
  kind: string;
  width: number | null;
  height: number | null;
  taken_at: number | null;
  camera: string | null;
  gps_lat: number | null;
  gps_lon: number | null;
  thumb_key: string | null;
  added_at: number;
  updated_at: number;
}

function toMedia(r: MediaRow): Media {
  return {
    id: r.id,
    path: r.path,
    root: r.root,
    contentHash: r.content_hash,
    size: r.size,
    mtimeMs: r.mtime_ms,
    kind: r.kind,
    width: r.width,
    height: r.height,
    takenAt: r.taken_at,
    camera: r.camera,
    gpsLat: r.gps_lat,
    gpsLon: r.gps_lon,
    thumbKey: r.thumb_key,
    addedAt: r.added_at,
    updatedAt: r.updated_at,
  };
}

/** Named reads and writes of `media`; statements are prepared once per store. */
export class MediaQueries {
  private readonly upsertStmt;
  private readonly byIdStmt;
  private readonly byPathStmt;
  private readonly byHashStmt;
  private readonly countStmt;
  private readonly deleteStmt;

  constructor(db: Database.Database) {
    // Keyed by path: re-importing the same folder updates rows in place (idempotent), never duplicates.
    this.upsertStmt = db.prepare<[Record<string, unknown>], { id: number }>(`
      INSERT INTO media (path, root, content_hash, size, mtime_ms, kind, width, height, taken_at, camera,
                         gps_lat, gps_lon, thumb_key, added_at, updated_at)
      VALUES (@path, @root, @contentHash, @size, @mtimeMs, @kind, @width, @height, @takenAt, @camera,
              @gpsLat, @gpsLon, @thumbKey, @now, @now)
      ON CONFLICT (path) DO UPDATE SET
        root = excluded.root, content_hash = excluded.content_hash, size = excluded.size,
        mtime_ms = excluded.mtime_ms, kind = excluded.kind, width = excluded.width, height = excluded.height,
        taken_at = excluded.taken_at, camera = excluded.camera, gps_lat = excluded.gps_lat,
        gps_lon = excluded.gps_lon, thumb_key = excluded.thumb_key, updated_at = excluded.updated_at
      RETURNING id`);
    this.byIdStmt = db.prepare<[number], MediaRow>('SELECT * FROM media WHERE id = ?');
    this.byPathStmt = db.prepare<[string], MediaRow>('SELECT * FROM media WHERE path = ?');
    this.byHashStmt = db.prepare<[string], MediaRow>('SELECT * FROM media WHERE content_hash = ? ORDER BY id');
    this.countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM media');
    this.deleteStmt = db.prepare<[number]>('DELETE FROM media WHERE id = ?');
  }

  /** Inserts or updates by path; returns the row id. Call inside a transaction for batches. */
  upsert(m: MediaInput, now = Date.now()): number {
    const row = this.upsertStmt.get({
      path: m.path,
      root: m.root,
      contentHash: m.contentHash,
      size: m.size,
      mtimeMs: Math.round(m.mtimeMs),
      kind: m.kind,
      width: m.width ?? null,
      height: m.height ?? null,
      takenAt: m.takenAt ?? null,
      camera: m.camera ?? null,
      gpsLat: m.gpsLat ?? null,
      gpsLon: m.gpsLon ?? null,
      thumbKey: m.thumbKey ?? null,
      now,
    });
    return row!.id;
  }

  byId(id: number): Media | undefined {
    const r = this.byIdStmt.get(id);
    return r && toMedia(r);
  }

  byPath(path: string): Media | undefined {
    const r = this.byPathStmt.get(path);
    return r && toMedia(r);
  }

  byContentHash(hash: string): Media[] {
    return this.byHashStmt.all(hash).map(toMedia);
  }

  count(): number {
    return this.countStmt.get()!.n;
  }

  /** Deletes the file's row; its captions, features and embeddings go with it (ON DELETE CASCADE). */
  delete(id: number): boolean {
    return this.deleteStmt.run(id).changes > 0;
  }
}
