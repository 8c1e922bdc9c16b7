import type { Migration } from './migration';

/**
 * Media, captions/pairs and their corrections, model versions, jobs and settings (DESIGN.md §3, §5).
 * An imported caption is never overwritten: corrections are events (who/when/old/new/action) and
 * `captions.review_state`/`current_text` are their latest outcome, updated in the same transaction.
 */
export const migration001: Migration = {
  version: 1,
  name: 'media-captions',
  sql: `
CREATE TABLE media (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  root TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  mtime_ms INTEGER NOT NULL,
  width INTEGER,
  height INTEGER,
  kind TEXT NOT NULL CHECK (length(kind) > 0),
  taken_at INTEGER,
  camera TEXT,
  gps_lat REAL,
  gps_lon REAL,
  thumb_key TEXT,
  added_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX media_content_hash ON media (content_hash);
CREATE INDEX media_root ON media (root);
CREATE INDEX media_taken_at ON media (taken_at);

CREATE TABLE captions (
  id INTEGER PRIMARY KEY,
  media_id INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  source_line INTEGER,
  text TEXT NOT NULL,
  current_text TEXT NOT NULL,
  review_state TEXT NOT NULL DEFAULT 'unreviewed'
    CHECK (review_state IN ('unreviewed', 'accepted', 'corrected', 'rejected')),
  imported_at INTEGER NOT NULL,
  UNIQUE (media_id, source, text)
) STRICT;
CREATE INDEX captions_review_state ON captions (review_state);

CREATE TABLE corrections (
  id INTEGER PRIMARY KEY,
  caption_id INTEGER NOT NULL REFERENCES captions (id) ON DELETE CASCADE,
  action TEXT NOT NULL CHECK (action IN ('accept', 'edit', 'reject', 'restore')),
  old_text TEXT NOT NULL,
  new_text TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX corrections_caption ON corrections (caption_id, id);

CREATE TABLE model_versions (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  bundle_sha256 TEXT,
  parent_id INTEGER REFERENCES model_versions (id),
  embed_dim INTEGER NOT NULL CHECK (embed_dim > 0),
  feature_dim INTEGER NOT NULL CHECK (feature_dim > 0),
  created_at INTEGER NOT NULL,
  metrics_json TEXT
) STRICT;

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'paused', 'done', 'failed', 'cancelled')),
  params_json TEXT NOT NULL DEFAULT '{}',
  progress_done INTEGER NOT NULL DEFAULT 0,
  progress_total INTEGER,
  cursor TEXT,
  error_json TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX jobs_state ON jobs (state);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
`,
};
