import type { Migration } from './migration';

/**
 * Curation (issue #9, DESIGN.md §3 "Curate"). Added by the curation owner (C) in S's migration style.
 *
 * 1. `pair_scores`: one noise score per pair and model version, with the parts it was combined from (kept for
 *    display and for the benchmark) and the suggestions shown as one-key fixes (top-5 pseudo-target captions of
 *    the image, top images of the caption), as JSON computed with the scores. A new model version gets its own
 *    rows; a version's rows are replaced as a whole by the scoring job.
 * 2. `corrections` gains the review vocabulary: `suggest` (caption replaced by suggestion k), `skip` and `undo`
 *    (an undo is itself an event pointing at the event it reverses — nothing is ever overwritten), and the state
 *    before/after each event so that an undo restores exactly what was there. SQLite cannot widen a CHECK in
 *    place, so the table is rebuilt with every row and id kept; rows written before this migration have NULL
 *    states (their outcome is still in `captions.review_state`).
 */
export const migration004: Migration = {
  version: 4,
  name: 'curation',
  sql: `
CREATE TABLE pair_scores (
  model_version_id INTEGER NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
  caption_id INTEGER NOT NULL REFERENCES captions (id) ON DELETE CASCADE,
  score REAL NOT NULL CHECK (score >= 0 AND score <= 1),
  parts_json TEXT NOT NULL,
  suggestions_json TEXT NOT NULL,
  scored_text TEXT NOT NULL,
  computed_at INTEGER NOT NULL,
  PRIMARY KEY (model_version_id, caption_id)
) STRICT;
CREATE INDEX pair_scores_order ON pair_scores (model_version_id, score DESC);

CREATE TABLE corrections_v4 (
  id INTEGER PRIMARY KEY,
  caption_id INTEGER NOT NULL REFERENCES captions (id) ON DELETE CASCADE,
  action TEXT NOT NULL CHECK (action IN ('accept', 'edit', 'reject', 'restore', 'suggest', 'skip', 'undo')),
  old_text TEXT NOT NULL,
  new_text TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  old_state TEXT CHECK (old_state IN ('unreviewed', 'accepted', 'corrected', 'rejected')),
  new_state TEXT CHECK (new_state IN ('unreviewed', 'accepted', 'corrected', 'rejected')),
  suggestion INTEGER CHECK (suggestion BETWEEN 1 AND 5),
  undoes INTEGER UNIQUE REFERENCES corrections_v4 (id)
) STRICT;
INSERT INTO corrections_v4 (id, caption_id, action, old_text, new_text, author, created_at)
  SELECT id, caption_id, action, old_text, new_text, author, created_at FROM corrections;
DROP TABLE corrections;
ALTER TABLE corrections_v4 RENAME TO corrections;
CREATE INDEX corrections_caption ON corrections (caption_id, id);
`,
};
