import type Database from 'better-sqlite3';

export type JobState = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled';

export interface Job {
  id: number;
  kind: string;
  state: JobState;
  params: unknown;
  progressDone: number;
  progressTotal: number | null;
  /** Where a resumed job picks up (e.g. the last committed path of an ingest); opaque to the store. */
  cursor: string | null;
  error: unknown;
  createdAt: number;
  updatedAt: number;
}

interface JobRow {
  id: number;
  kind: string;
  state: JobState;
  params_json: string;
  progress_done: number;
  progress_total: number | null;
  cursor: string | null;
  error_json: string | null;
  created_at: number;
  updated_at: number;
}

const toJob = (r: JobRow): Job => ({
  id: r.id,
  kind: r.kind,
  state: r.state,
  params: JSON.parse(r.params_json) as unknown,
  progressDone: r.progress_done,
  progressTotal: r.progress_total,
  cursor: r.cursor,
  error: r.error_json === null ? null : (JSON.parse(r.error_json) as unknown),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Background jobs with progress and a resume cursor (DESIGN.md §1 jobs/: resume after a crash). */
export class JobQueries {
  private readonly insertStmt;
  private readonly progressStmt;
  private readonly stateStmt;
  private readonly byIdStmt;
  private readonly unfinishedStmt;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare<[string, string, number, number], { id: number }>(
      `INSERT INTO jobs (kind, state, params_json, created_at, updated_at) VALUES (?, 'queued', ?, ?, ?) RETURNING id`,
    );
    this.progressStmt = db.prepare(
      'UPDATE jobs SET progress_done = ?, progress_total = ?, cursor = ?, updated_at = ? WHERE id = ?',
    );
    this.stateStmt = db.prepare('UPDATE jobs SET state = ?, error_json = ?, updated_at = ? WHERE id = ?');
    this.byIdStmt = db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?');
    this.unfinishedStmt = db.prepare<[], JobRow>(
      `SELECT * FROM jobs WHERE state IN ('queued', 'running', 'paused') ORDER BY id`,
    );
  }

  create(kind: string, params: unknown, now = Date.now()): number {
    return this.insertStmt.get(kind, JSON.stringify(params ?? {}), now, now)!.id;
  }

  /** Call in the same transaction as the work it describes, so progress never runs ahead of the data. */
  progress(id: number, done: number, total: number | null, cursor: string | null, now = Date.now()): void {
    this.progressStmt.run(done, total, cursor, now, id);
  }

  setState(id: number, state: JobState, error: unknown = null, now = Date.now()): void {
    this.stateStmt.run(state, error === null ? null : JSON.stringify(error), now, id);
  }

  byId(id: number): Job | undefined {
    const r = this.byIdStmt.get(id);
    return r && toJob(r);
  }

  /** Jobs a crash interrupted: what to offer to resume at the next open. */
  unfinished(): Job[] {
    return this.unfinishedStmt.all().map(toJob);
  }
}
