import type { Migration } from './migration';

/**
 * Fine-tuned model versions (issue #10, DESIGN.md §3): a version made by a fine-tune stores its projection
 * heads (safetensors bytes, the bundle-format names of heads.safetensors) here; the bundle's own version has
 * no row (its heads are the bundle's file). `model_versions.metrics_json` (migration 001) holds the
 * before/after recall. The active version is the settings key `model.active_version`.
 */
export const migration006: Migration = {
  version: 6,
  name: 'version-heads',
  sql: `
CREATE TABLE model_version_heads (
  model_version_id INTEGER PRIMARY KEY REFERENCES model_versions (id) ON DELETE CASCADE,
  data BLOB NOT NULL
) STRICT;
`,
};
