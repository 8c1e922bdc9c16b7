import type { Migration } from './migration';

/**
 * Per-file problems of a job (issue #7: "every bad file reported with its reason", kept across a crash).
 * One row per (job, path): a resumed job that meets the same bad file again does not report it twice.
 * Added by the ingest owner (I) in S's migration style.
 */
export const migration003: Migration = {
  version: 3,
  name: 'job-errors',
  sql: `
CREATE TABLE job_errors (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (job_id, path)
) STRICT;
`,
};
