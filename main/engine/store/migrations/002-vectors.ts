import type { Migration } from './migration';

/**
 * Features (CLS, 768-d) and embeddings (256-d, L2-normalised) per model version, stored as Float32 BLOBs,
 * and the HNSW graph as a derived blob split in chunks (one SQLite value is capped at 1 GB; a 1M graph
 * is larger). `vector_revisions` is bumped by triggers on every embedding change, so a stored graph whose
 * revision differs from the rows is known to be stale (DESIGN.md §5: a mismatch means "rebuild").
 * Embedding ids are the HNSW labels, hence AUTOINCREMENT: a deleted label is never handed out again.
 */
export const migration002: Migration = {
  version: 2,
  name: 'vectors',
  sql: `
CREATE TABLE features (
  id INTEGER PRIMARY KEY,
  model_version_id INTEGER NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
  media_id INTEGER REFERENCES media (id) ON DELETE CASCADE,
  caption_id INTEGER REFERENCES captions (id) ON DELETE CASCADE,
  dim INTEGER NOT NULL,
  data BLOB NOT NULL CHECK (length(data) = 4 * dim),
  CHECK ((media_id IS NULL) <> (caption_id IS NULL)),
  UNIQUE (model_version_id, media_id),
  UNIQUE (model_version_id, caption_id)
) STRICT;

CREATE TABLE embeddings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  model_version_id INTEGER NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
  space TEXT NOT NULL CHECK (space IN ('image', 'text')),
  media_id INTEGER REFERENCES media (id) ON DELETE CASCADE,
  caption_id INTEGER REFERENCES captions (id) ON DELETE CASCADE,
  dim INTEGER NOT NULL,
  data BLOB NOT NULL CHECK (length(data) = 4 * dim),
  CHECK ((space = 'image' AND media_id IS NOT NULL AND caption_id IS NULL)
      OR (space = 'text' AND caption_id IS NOT NULL AND media_id IS NULL)),
  UNIQUE (model_version_id, media_id),
  UNIQUE (model_version_id, caption_id)
) STRICT;
CREATE INDEX embeddings_space ON embeddings (model_version_id, space, id);

CREATE TABLE vector_revisions (
  model_version_id INTEGER NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
  space TEXT NOT NULL,
  revision INTEGER NOT NULL,
  PRIMARY KEY (model_version_id, space)
) STRICT;

CREATE TRIGGER embeddings_insert_revision AFTER INSERT ON embeddings BEGIN
  INSERT INTO vector_revisions (model_version_id, space, revision) VALUES (NEW.model_version_id, NEW.space, 1)
  ON CONFLICT (model_version_id, space) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER embeddings_delete_revision AFTER DELETE ON embeddings BEGIN
  UPDATE vector_revisions SET revision = revision + 1
  WHERE model_version_id = OLD.model_version_id AND space = OLD.space;
END;
CREATE TRIGGER embeddings_update_revision AFTER UPDATE OF data ON embeddings BEGIN
  UPDATE vector_revisions SET revision = revision + 1
  WHERE model_version_id = NEW.model_version_id AND space = NEW.space;
END;

CREATE TABLE vector_graphs (
  model_version_id INTEGER NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
  space TEXT NOT NULL CHECK (space IN ('image', 'text')),
  element_count INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  params_json TEXT NOT NULL,
  byte_length INTEGER NOT NULL,
  checksum TEXT NOT NULL,
  written_at INTEGER NOT NULL,
  PRIMARY KEY (model_version_id, space)
) STRICT;

CREATE TABLE vector_graph_chunks (
  model_version_id INTEGER NOT NULL,
  space TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (model_version_id, space, seq),
  FOREIGN KEY (model_version_id, space) REFERENCES vector_graphs (model_version_id, space) ON DELETE CASCADE
) STRICT;
`,
};
