import type { Migration } from './migration';

/**
 * Lets an index catch up instead of rebuilding after a crash (DESIGN.md §5, §7: a large library must open
 * fast). `vector_revisions.removals` counts deletes and rewrites of embeddings (inserts do not); a stored
 * graph records the removals count and the largest label it holds. If no removal happened since the graph
 * was written, the rows it lacks are exactly those with a larger id (ids are AUTOINCREMENT), so they can be
 * added to the loaded graph. Graphs written before this migration have removals = -1: never caught up.
 */
export const migration005: Migration = {
  version: 5,
  name: 'graph-catch-up',
  sql: `
ALTER TABLE vector_revisions ADD COLUMN removals INTEGER NOT NULL DEFAULT 0;
ALTER TABLE vector_graphs ADD COLUMN removals INTEGER NOT NULL DEFAULT -1;
ALTER TABLE vector_graphs ADD COLUMN max_label INTEGER NOT NULL DEFAULT -1;

DROP TRIGGER embeddings_delete_revision;
CREATE TRIGGER embeddings_delete_revision AFTER DELETE ON embeddings BEGIN
  UPDATE vector_revisions SET revision = revision + 1, removals = removals + 1
  WHERE model_version_id = OLD.model_version_id AND space = OLD.space;
END;
DROP TRIGGER embeddings_update_revision;
CREATE TRIGGER embeddings_update_revision AFTER UPDATE OF data ON embeddings BEGIN
  UPDATE vector_revisions SET revision = revision + 1, removals = removals + 1
  WHERE model_version_id = NEW.model_version_id AND space = NEW.space;
END;
`,
};
