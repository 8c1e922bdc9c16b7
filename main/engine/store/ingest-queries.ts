import type Database from 'better-sqlite3';
import type { Job } from './job-queries';

/** What a rescan compares against (DESIGN.md §3 "new/changed files (size, mtime, content hash)"). */
export interface KnownMediaFile {
  id: number;
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string;
  captionCount: number;
}

export interface JobErrorRow {
  path: string;
  reason: string;
}

/** A pair as exported (issue #7 export): the imported caption, its current text after corrections, its review state. */
export interface ExportPair {
  captionId: number;
  mediaId: number;
  path: string;
  width: number | null;
  height: number | null;
  source: string;
  text: string;
  currentText: string;
  reviewState: string;
}

/**
 * Queries of the ingest pipeline and its jobs that the base store does not have: media under a root, moves,
 * per-file job errors, job listing, pair export. Added by the ingest owner (I); SQL stays in store/.
 */
export class IngestQueries {
  private readonly underRootStmt;
  private readonly renameStmt;
  private readonly addErrorStmt;
  private readonly errorsStmt;
  private readonly errorCountStmt;
  private readonly recentJobsStmt;
  private readonly exportStmt;
  private readonly embeddedHashStmt;

  constructor(db: Database.Database) {
    this.underRootStmt = db.prepare<[string], KnownMediaFile>(`
      SELECT m.id, m.path, m.size, m.mtime_ms AS mtimeMs, m.content_hash AS contentHash,
             (SELECT count(*) FROM captions c WHERE c.media_id = m.id) AS captionCount
      FROM media m WHERE m.root = ? ORDER BY m.path`);
    this.renameStmt = db.prepare('UPDATE media SET path = ?, root = ?, mtime_ms = ?, updated_at = ? WHERE id = ?');
    this.addErrorStmt = db.prepare(
      'INSERT INTO job_errors (job_id, path, reason, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (job_id, path) DO NOTHING',
    );
    this.errorsStmt = db.prepare<[number], JobErrorRow>(
      'SELECT path, reason FROM job_errors WHERE job_id = ? ORDER BY id',
    );
    this.errorCountStmt = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM job_errors WHERE job_id = ?');
    this.recentJobsStmt = db.prepare<[number], { id: number }>('SELECT id FROM jobs ORDER BY id DESC LIMIT ?');
    this.exportStmt = db.prepare<[], ExportPair>(`
      SELECT c.id AS captionId, m.id AS mediaId, m.path, m.width, m.height, c.source, c.text,
             c.current_text AS currentText, c.review_state AS reviewState
      FROM captions c JOIN media m ON m.id = c.media_id ORDER BY m.path, c.id`);
    // A media row with this content whose embedding exists for the model version: reuse, never re-embed.
    this.embeddedHashStmt = db.prepare<[number, string], { mediaId: number }>(`
      SELECT m.id AS mediaId FROM media m JOIN embeddings e ON e.media_id = m.id AND e.model_version_id = ?
      WHERE m.content_hash = ? ORDER BY m.id LIMIT 1`);
  }

  mediaUnderRoot(root: string): KnownMediaFile[] {
    return this.underRootStmt.all(root);
  }

  /** A moved file keeps its row (and so its captions, corrections and embeddings). */
  renameMedia(id: number, path: string, root: string, mtimeMs: number, now = Date.now()): void {
    this.renameStmt.run(path, root, Math.round(mtimeMs), now, id);
  }

  embeddedMediaWithHash(modelVersionId: number, contentHash: string): number | undefined {
    return this.embeddedHashStmt.get(modelVersionId, contentHash)?.mediaId;
  }

  addJobError(jobId: number, path: string, reason: string, now = Date.now()): void {
    this.addErrorStmt.run(jobId, path, reason, now);
  }

  jobErrors(jobId: number): JobErrorRow[] {
    return this.errorsStmt.all(jobId);
  }

  jobErrorCount(jobId: number): number {
    return this.errorCountStmt.get(jobId)!.n;
  }

  /** Ids of the most recent jobs, newest first (read each with `store.jobs.byId`). */
  recentJobIds(limit: number): number[] {
    return this.recentJobsStmt.all(limit).map((r) => r.id);
  }

  *exportPairs(): Generator<ExportPair> {
    yield* this.exportStmt.iterate();
  }
}

export type { Job };
