import type Database from 'better-sqlite3';
import type { ReviewState } from './caption-queries';
import { StoreError } from './errors';
import { blobToVector, vectorToBlob } from './vector-codec';

/**
 * Curation's queries (issue #9; added by the curation owner C, SQL stays in store/): per-pair noise scores per
 * model version, the review queue, and review actions as correction events. An event records the text and the
 * review state before and after it; `captions.current_text`/`review_state` are the latest outcome, written in
 * the same transaction. An undo is an event too (`undoes` = the event it reverses; each event is undone at most
 * once, enforced by a UNIQUE column), so the history is append-only.
 */
export type ReviewAction = 'accept' | 'edit' | 'reject' | 'restore' | 'suggest' | 'skip' | 'undo';

export interface PairScoreRow {
  captionId: number;
  score: number;
  /** JSON text of the score's parts (curate/noise-score.ts `NoiseParts`). */
  partsJson: string;
  /** JSON text of the suggestions (curate/score-library.ts `PairSuggestions`). */
  suggestionsJson: string;
  /** The caption text the score was computed for (a later edit makes the score stale). */
  scoredText: string;
}

export interface ScoringPair {
  captionId: number;
  mediaId: number;
  path: string;
  text: string;
}

export interface QueueRow {
  captionId: number;
  mediaId: number;
  path: string;
  thumbKey: string | null;
  source: string;
  text: string;
  currentText: string;
  reviewState: ReviewState;
  score: number;
  partsJson: string;
  suggestionsJson: string;
  scoredText: string;
  skipped: number;
}

export interface CorrectionEvent {
  id: number;
  captionId: number;
  action: ReviewAction;
  oldText: string;
  newText: string;
  oldState: ReviewState | null;
  newState: ReviewState | null;
  suggestion: number | null;
  undoes: number | null;
  author: string;
  createdAt: number;
}

export interface EventInput {
  captionId: number;
  action: Exclude<ReviewAction, 'undo'>;
  newText: string;
  newState: ReviewState;
  author: string;
  suggestion?: number | null;
}

interface EventRow {
  id: number;
  caption_id: number;
  action: ReviewAction;
  old_text: string;
  new_text: string;
  old_state: ReviewState | null;
  new_state: ReviewState | null;
  suggestion: number | null;
  undoes: number | null;
  author: string;
  created_at: number;
}

const toEvent = (r: EventRow): CorrectionEvent => ({
  id: r.id,
  captionId: r.caption_id,
  action: r.action,
  oldText: r.old_text,
  newText: r.new_text,
  oldState: r.old_state,
  newState: r.new_state,
  suggestion: r.suggestion,
  undoes: r.undoes,
  author: r.author,
  createdAt: r.created_at,
});

/** The outcome of events written without states (before migration 4, or by CaptionQueries.correct). */
const LEGACY_OUTCOME: Partial<Record<ReviewAction, ReviewState>> = {
  accept: 'accepted',
  edit: 'corrected',
  reject: 'rejected',
  restore: 'unreviewed',
};

/** Latest event that is neither an undo nor undone: what the next undo reverses. */
const EFFECTIVE = `action <> 'undo' AND id NOT IN (SELECT undoes FROM corrections WHERE undoes IS NOT NULL)`;

export class CurationQueries {
  private readonly deleteScoresStmt;
  private readonly insertScoreStmt;
  private readonly scoreCountStmt;
  private readonly pairCountStmt;
  private readonly pairsStmt;
  private readonly scorableStmt;
  private readonly captionStmt;
  private readonly insertEventStmt;
  private readonly setCaptionStmt;
  private readonly lastEffectiveStmt;
  private readonly lastEffectiveForStmt;
  private readonly eventByIdStmt;
  private readonly eventsStmt;
  private readonly eventsForStmt;
  private readonly scoreStmt;
  private readonly queueStmt;
  private readonly queueCountStmt;
  private readonly imageVectorsStmt;
  private readonly textVectorsStmt;
  private readonly mediaFeaturesStmt;
  private readonly captionFeaturesStmt;
  private readonly replaceTextStmt;
  private readonly replaceTextFeatureStmt;

  constructor(private readonly db: Database.Database) {
    this.deleteScoresStmt = db.prepare('DELETE FROM pair_scores WHERE model_version_id = ?');
    this.insertScoreStmt = db.prepare(`
      INSERT INTO pair_scores (model_version_id, caption_id, score, parts_json, suggestions_json, scored_text, computed_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (model_version_id, caption_id) DO UPDATE SET score = excluded.score, parts_json = excluded.parts_json,
        suggestions_json = excluded.suggestions_json, scored_text = excluded.scored_text, computed_at = excluded.computed_at`);
    this.scoreCountStmt = db.prepare<[number], { n: number }>(
      'SELECT count(*) AS n FROM pair_scores WHERE model_version_id = ?',
    );
    this.pairCountStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM captions');
    this.scorableStmt = db.prepare<[number, number], { n: number }>(`
      SELECT count(*) AS n FROM captions c
      WHERE EXISTS (SELECT 1 FROM embeddings t WHERE t.model_version_id = ? AND t.caption_id = c.id)
        AND EXISTS (SELECT 1 FROM embeddings i WHERE i.model_version_id = ? AND i.media_id = c.media_id)`);
    this.pairsStmt = db.prepare<[], ScoringPair>(`
      SELECT c.id AS captionId, c.media_id AS mediaId, m.path, c.current_text AS text
      FROM captions c JOIN media m ON m.id = c.media_id ORDER BY c.id`);
    this.captionStmt = db.prepare<[number], { current_text: string; review_state: ReviewState }>(
      'SELECT current_text, review_state FROM captions WHERE id = ?',
    );
    this.insertEventStmt = db.prepare<unknown[], { id: number }>(`
      INSERT INTO corrections (caption_id, action, old_text, new_text, author, created_at, old_state, new_state,
                               suggestion, undoes)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`);
    this.setCaptionStmt = db.prepare('UPDATE captions SET current_text = ?, review_state = ? WHERE id = ?');
    this.lastEffectiveStmt = db.prepare<[], EventRow>(
      `SELECT * FROM corrections WHERE ${EFFECTIVE} ORDER BY id DESC LIMIT 1`,
    );
    this.lastEffectiveForStmt = db.prepare<[number], EventRow>(
      `SELECT * FROM corrections WHERE caption_id = ? AND ${EFFECTIVE} ORDER BY id DESC LIMIT 1`,
    );
    this.eventByIdStmt = db.prepare<[number], EventRow>('SELECT * FROM corrections WHERE id = ?');
    this.eventsStmt = db.prepare<[number, number], EventRow>(
      'SELECT * FROM corrections WHERE id > ? ORDER BY id LIMIT ?',
    );
    this.eventsForStmt = db.prepare<[number], EventRow>('SELECT * FROM corrections WHERE caption_id = ? ORDER BY id');
    this.scoreStmt = db.prepare<[number, number], PairScoreRow>(`
      SELECT caption_id AS captionId, score, parts_json AS partsJson, suggestions_json AS suggestionsJson,
             scored_text AS scoredText
      FROM pair_scores WHERE model_version_id = ? AND caption_id = ?`);
    // Suspicion order; a pair whose latest event is a skip goes behind every pair not skipped (issue #9 "skip").
    const queueFrom = `
      FROM pair_scores s JOIN captions c ON c.id = s.caption_id JOIN media m ON m.id = c.media_id
      WHERE s.model_version_id = ? AND c.review_state IN (SELECT value FROM json_each(?))`;
    this.queueStmt = db.prepare<[number, string, number, number], QueueRow>(`
      SELECT c.id AS captionId, m.id AS mediaId, m.path, m.thumb_key AS thumbKey, c.source, c.text,
             c.current_text AS currentText, c.review_state AS reviewState, s.score, s.parts_json AS partsJson,
             s.suggestions_json AS suggestionsJson, s.scored_text AS scoredText,
             coalesce((SELECT k.action = 'skip' FROM corrections k WHERE k.caption_id = c.id AND k.action <> 'undo'
                         AND k.id NOT IN (SELECT undoes FROM corrections WHERE undoes IS NOT NULL)
                       ORDER BY k.id DESC LIMIT 1), 0) AS skipped
      ${queueFrom}
      ORDER BY skipped, s.score DESC, c.id LIMIT ? OFFSET ?`);
    this.queueCountStmt = db.prepare<[number, string], { n: number }>(`SELECT count(*) AS n ${queueFrom}`);
    type OwnerRow = { owner: number; data: Buffer };
    this.imageVectorsStmt = db.prepare<[number], OwnerRow>(
      "SELECT media_id AS owner, data FROM embeddings WHERE model_version_id = ? AND space = 'image'",
    );
    this.textVectorsStmt = db.prepare<[number], OwnerRow>(
      "SELECT caption_id AS owner, data FROM embeddings WHERE model_version_id = ? AND space = 'text'",
    );
    this.mediaFeaturesStmt = db.prepare<[number], OwnerRow>(
      'SELECT media_id AS owner, data FROM features WHERE model_version_id = ? AND media_id IS NOT NULL',
    );
    this.captionFeaturesStmt = db.prepare<[number], OwnerRow>(
      'SELECT caption_id AS owner, data FROM features WHERE model_version_id = ? AND caption_id IS NOT NULL',
    );
    this.replaceTextStmt = db.prepare<[number, number, number, Buffer], { id: number }>(`
      INSERT INTO embeddings (model_version_id, space, caption_id, dim, data) VALUES (?, 'text', ?, ?, ?)
      ON CONFLICT (model_version_id, caption_id) DO UPDATE SET dim = excluded.dim, data = excluded.data
      RETURNING id`);
    this.replaceTextFeatureStmt = db.prepare(`
      INSERT INTO features (model_version_id, caption_id, dim, data) VALUES (?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET dim = excluded.dim, data = excluded.data`);
  }

  /** Replaces every score of a model version (one transaction, so readers see the old set or the new one). */
  replaceScores(modelVersionId: number, rows: readonly PairScoreRow[], now = Date.now()): void {
    this.db
      .transaction(() => {
        this.deleteScoresStmt.run(modelVersionId);
        for (const r of rows) this.putScore(modelVersionId, r, now);
      })
      .immediate();
  }

  putScore(modelVersionId: number, r: PairScoreRow, now = Date.now()): void {
    if (!(r.score >= 0 && r.score <= 1)) {
      throw new StoreError('INVALID_ROW', `pair score of caption ${r.captionId} is ${r.score}, not in [0, 1]`);
    }
    this.insertScoreStmt.run(modelVersionId, r.captionId, r.score, r.partsJson, r.suggestionsJson, r.scoredText, now);
  }

  score(modelVersionId: number, captionId: number): PairScoreRow | undefined {
    return this.scoreStmt.get(modelVersionId, captionId);
  }

  scoredCount(modelVersionId: number): number {
    return this.scoreCountStmt.get(modelVersionId)!.n;
  }

  pairCount(): number {
    return this.pairCountStmt.get()!.n;
  }

  /** Pairs whose image and caption both have an embedding of this model version (what scoring can score). */
  scorablePairCount(modelVersionId: number): number {
    return this.scorableStmt.get(modelVersionId, modelVersionId)!.n;
  }

  /** Every pair with its current caption, in caption id order (the scoring job's input). */
  pairs(): ScoringPair[] {
    return this.pairsStmt.all();
  }

  queue(modelVersionId: number, states: readonly ReviewState[], offset: number, limit: number): QueueRow[] {
    return this.queueStmt.all(modelVersionId, JSON.stringify(states), limit, offset);
  }

  queueCount(modelVersionId: number, states: readonly ReviewState[]): number {
    return this.queueCountStmt.get(modelVersionId, JSON.stringify(states))!.n;
  }

  /** Appends one review event and applies its outcome to the caption, atomically. */
  record(e: EventInput, now = Date.now()): CorrectionEvent {
    return this.db
      .transaction(() => {
        const c = this.captionStmt.get(e.captionId);
        if (!c) throw new StoreError('INVALID_ROW', `caption ${e.captionId} does not exist`);
        if (e.newText.trim() === '') {
          throw new StoreError('INVALID_ROW', `caption ${e.captionId}: the new caption text is empty`);
        }
        const { id } = this.insertEventStmt.get(
          e.captionId,
          e.action,
          c.current_text,
          e.newText,
          e.author,
          now,
          c.review_state,
          e.newState,
          e.suggestion ?? null,
          null,
        )!;
        this.setCaptionStmt.run(e.newText, e.newState, e.captionId);
        return toEvent(this.eventByIdStmt.get(id)!);
      })
      .immediate();
  }

  /**
   * Reverses the latest effective event (of one caption, or of the whole library) with an `undo` event that
   * restores its old text and state; returns [the undo event, the event it reversed], or null when there is
   * nothing left to undo. Events from before migration 4 have no old state: their caption goes back to the
   * state the event before them produced, or 'unreviewed'.
   */
  undo(captionId: number | null, author: string, now = Date.now()): [CorrectionEvent, CorrectionEvent] | null {
    return this.db
      .transaction(() => {
        const target = captionId === null ? this.lastEffectiveStmt.get() : this.lastEffectiveForStmt.get(captionId);
        if (!target) return null;
        const c = this.captionStmt.get(target.caption_id)!;
        const restoreState = target.old_state ?? this.stateBefore(target);
        const { id } = this.insertEventStmt.get(
          target.caption_id,
          'undo',
          c.current_text,
          target.old_text,
          author,
          now,
          c.review_state,
          restoreState,
          null,
          target.id,
        )!;
        this.setCaptionStmt.run(target.old_text, restoreState, target.caption_id);
        return [toEvent(this.eventByIdStmt.get(id)!), toEvent(target)] as [CorrectionEvent, CorrectionEvent];
      })
      .immediate();
  }

  /** Every stored embedding of one space for a model version, by media id (image) or caption id (text). */
  embeddings(modelVersionId: number, space: 'image' | 'text'): Map<number, Float32Array> {
    const stmt = space === 'image' ? this.imageVectorsStmt : this.textVectorsStmt;
    return new Map(stmt.all(modelVersionId).map((r) => [r.owner, blobToVector(r.data)]));
  }

  /** Every stored CLS feature of images (by media id) or captions (by caption id) for a model version. */
  features(modelVersionId: number, owner: 'media' | 'caption'): Map<number, Float32Array> {
    const stmt = owner === 'media' ? this.mediaFeaturesStmt : this.captionFeaturesStmt;
    return new Map(stmt.all(modelVersionId).map((r) => [r.owner, blobToVector(r.data)]));
  }

  /**
   * A corrected caption's embedding and CLS feature, re-encoded from its current text, replace the old ones
   * (the fine-tune trains an edited pair on the NEW caption's features: train/curated-pairs.ts). Returns the label
   * (the HNSW label stays the same row id), for the caller to update its index.
   */
  replaceCaptionVectors(modelVersionId: number, captionId: number, emb: Float32Array, feature: Float32Array): number {
    return this.db
      .transaction(() => {
        const { id } = this.replaceTextStmt.get(modelVersionId, captionId, emb.length, vectorToBlob(emb))!;
        this.replaceTextFeatureStmt.run(modelVersionId, captionId, feature.length, vectorToBlob(feature));
        return id;
      })
      .immediate();
  }

  /** Events in id order after `afterId` (export, tests, the CLI). */
  events(afterId = 0, limit = 10_000): CorrectionEvent[] {
    return this.eventsStmt.all(afterId, limit).map(toEvent);
  }

  eventsFor(captionId: number): CorrectionEvent[] {
    return this.eventsForStmt.all(captionId).map(toEvent);
  }

  private stateBefore(target: EventRow): ReviewState {
    const earlier = this.eventsForStmt.all(target.caption_id).filter((r) => r.id < target.id);
    const last = earlier.at(-1);
    return last ? (last.new_state ?? LEGACY_OUTCOME[last.action] ?? 'unreviewed') : 'unreviewed';
  }
}
