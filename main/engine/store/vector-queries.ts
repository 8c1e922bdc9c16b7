import type Database from 'better-sqlite3';
import type { ReviewState } from './caption-queries';
import { filterClause, type MediaFilter, type VectorSpace } from './media-filter';
import { blobToVector, vectorToBlob } from './vector-codec';

/** A row of an index: `label` is the embedding row id, which is also the HNSW label. */
export interface StoredVector {
  label: number;
  vector: Float32Array;
}

export interface ImageHit {
  label: number;
  mediaId: number;
  path: string;
  kind: string;
  contentHash: string;
  takenAt: number | null;
  width: number | null;
  height: number | null;
  thumbKey: string | null;
}

export interface CaptionHit {
  label: number;
  captionId: number;
  mediaId: number;
  path: string;
  text: string;
  reviewState: ReviewState;
}

export interface UpsertedVector {
  label: number;
  /** False when the same vector was already stored: a repeated import leaves the index untouched. */
  changed: boolean;
}

/** Embeddings (256-d, the vectors of the HNSW index) and CLS features, per model version (DESIGN.md §5). */
export class VectorQueries {
  private readonly upsertImageStmt;
  private readonly upsertTextStmt;
  private readonly imageLabelStmt;
  private readonly textLabelStmt;
  private readonly iterateStmt;
  private readonly iterateAfterStmt;
  private readonly byLabelsStmt;
  private readonly countStmt;
  private readonly deleteStmt;
  private readonly imageHitsStmt;
  private readonly captionHitsStmt;
  private readonly imageLabelForMediaStmt;
  private readonly upsertFeatureStmt;
  private readonly featureStmt;
  private readonly calibrationPairsStmt;
  private readonly filterStmts = new Map<string, Database.Statement<unknown[], { id: number }>>();

  constructor(private readonly db: Database.Database) {
    // `WHERE data IS NOT excluded.data`: an identical vector is not rewritten, so the revision trigger
    // does not fire and a stored graph stays valid after a repeated import.
    this.upsertImageStmt = db.prepare(`
      INSERT INTO embeddings (model_version_id, space, media_id, dim, data) VALUES (?, 'image', ?, ?, ?)
      ON CONFLICT (model_version_id, media_id) DO UPDATE SET dim = excluded.dim, data = excluded.data
      WHERE data IS NOT excluded.data`);
    this.upsertTextStmt = db.prepare(`
      INSERT INTO embeddings (model_version_id, space, caption_id, dim, data) VALUES (?, 'text', ?, ?, ?)
      ON CONFLICT (model_version_id, caption_id) DO UPDATE SET dim = excluded.dim, data = excluded.data
      WHERE data IS NOT excluded.data`);
    this.imageLabelStmt = db.prepare<[number, number], { id: number }>(
      'SELECT id FROM embeddings WHERE model_version_id = ? AND media_id = ?',
    );
    this.textLabelStmt = db.prepare<[number, number], { id: number }>(
      'SELECT id FROM embeddings WHERE model_version_id = ? AND caption_id = ?',
    );
    this.iterateStmt = db.prepare<[number, VectorSpace], { id: number; data: Buffer }>(
      'SELECT id, data FROM embeddings WHERE model_version_id = ? AND space = ? ORDER BY id',
    );
    this.iterateAfterStmt = db.prepare<[number, VectorSpace, number], { id: number; data: Buffer }>(
      'SELECT id, data FROM embeddings WHERE model_version_id = ? AND space = ? AND id > ? ORDER BY id',
    );
    this.byLabelsStmt = db.prepare<[string], { id: number; data: Buffer }>(
      'SELECT id, data FROM embeddings WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id',
    );
    this.countStmt = db.prepare<[number, VectorSpace], { n: number }>(
      'SELECT count(*) AS n FROM embeddings WHERE model_version_id = ? AND space = ?',
    );
    this.deleteStmt = db.prepare('DELETE FROM embeddings WHERE id = ?');
    this.imageHitsStmt = db.prepare<[string], Record<string, unknown>>(`
      SELECT e.id AS label, m.id AS mediaId, m.path, m.kind, m.content_hash AS contentHash, m.taken_at AS takenAt,
             m.width, m.height, m.thumb_key AS thumbKey
      FROM embeddings e JOIN media m ON m.id = e.media_id
      WHERE e.id IN (SELECT value FROM json_each(?))`);
    this.captionHitsStmt = db.prepare<[string], Record<string, unknown>>(`
      SELECT e.id AS label, c.id AS captionId, m.id AS mediaId, m.path, c.current_text AS text,
             c.review_state AS reviewState
      FROM embeddings e JOIN captions c ON c.id = e.caption_id JOIN media m ON m.id = c.media_id
      WHERE e.id IN (SELECT value FROM json_each(?))`);
    this.imageLabelForMediaStmt = db.prepare<[number, string], { id: number }>(`
      SELECT e.id FROM embeddings e JOIN media m ON m.id = e.media_id
      WHERE e.model_version_id = ? AND m.path = ?`);
    // A seeded, deterministic shuffle ((id · seed) mod a prime) so that a calibration run can be repeated.
    this.calibrationPairsStmt = db.prepare<
      [number, string, number, number],
      { imageLabel: number; path: string; text: string }
    >(`
      SELECT e.id AS imageLabel, m.path, c.current_text AS text
      FROM captions c JOIN media m ON m.id = c.media_id
      JOIN embeddings e ON e.media_id = m.id AND e.model_version_id = ?
      WHERE c.review_state IN (SELECT value FROM json_each(?))
      ORDER BY (c.id * ?) % 1000003 LIMIT ?`);
    this.upsertFeatureStmt = db.prepare(`
      INSERT INTO features (model_version_id, media_id, caption_id, dim, data) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET dim = excluded.dim, data = excluded.data`);
    this.featureStmt = db.prepare<[number, number | null, number | null], { data: Buffer }>(
      'SELECT data FROM features WHERE model_version_id = ? AND media_id IS ? AND caption_id IS ?',
    );
  }

  upsertImage(modelVersionId: number, mediaId: number, v: Float32Array): UpsertedVector {
    const changed = this.upsertImageStmt.run(modelVersionId, mediaId, v.length, vectorToBlob(v)).changes > 0;
    return { label: this.imageLabelStmt.get(modelVersionId, mediaId)!.id, changed };
  }

  upsertText(modelVersionId: number, captionId: number, v: Float32Array): UpsertedVector {
    const changed = this.upsertTextStmt.run(modelVersionId, captionId, v.length, vectorToBlob(v)).changes > 0;
    return { label: this.textLabelStmt.get(modelVersionId, captionId)!.id, changed };
  }

  /** The 768-d CLS feature kept for re-projection after fine-tuning (DESIGN.md §3 "Fine-tune"). */
  upsertFeature(modelVersionId: number, owner: { mediaId: number } | { captionId: number }, f: Float32Array): void {
    const mediaId = 'mediaId' in owner ? owner.mediaId : null;
    const captionId = 'captionId' in owner ? owner.captionId : null;
    this.upsertFeatureStmt.run(modelVersionId, mediaId, captionId, f.length, vectorToBlob(f));
  }

  feature(modelVersionId: number, owner: { mediaId: number } | { captionId: number }): Float32Array | undefined {
    const mediaId = 'mediaId' in owner ? owner.mediaId : null;
    const captionId = 'captionId' in owner ? owner.captionId : null;
    const r = this.featureStmt.get(modelVersionId, mediaId, captionId);
    return r && blobToVector(r.data);
  }

  count(modelVersionId: number, space: VectorSpace): number {
    return this.countStmt.get(modelVersionId, space)!.n;
  }

  /** Streams every vector of one index in label order (a rebuild at 1M must not hold two copies). */
  *iterate(modelVersionId: number, space: VectorSpace): Generator<StoredVector> {
    for (const r of this.iterateStmt.iterate(modelVersionId, space)) {
      yield { label: r.id, vector: blobToVector(r.data) };
    }
  }

  /** Vectors with a label above `after`: the rows committed after a graph was written (migration 005). */
  *iterateAfter(modelVersionId: number, space: VectorSpace, after: number): Generator<StoredVector> {
    for (const r of this.iterateAfterStmt.iterate(modelVersionId, space, after)) {
      yield { label: r.id, vector: blobToVector(r.data) };
    }
  }

  byLabels(labels: readonly number[]): StoredVector[] {
    return this.byLabelsStmt.all(JSON.stringify(labels)).map((r) => ({ label: r.id, vector: blobToVector(r.data) }));
  }

  delete(label: number): boolean {
    return this.deleteStmt.run(label).changes > 0;
  }

  imageLabelForPath(modelVersionId: number, path: string): number | undefined {
    return this.imageLabelForMediaStmt.get(modelVersionId, path)?.id;
  }

  /** Labels of one index whose media (and, for captions, the caption) pass the filter. */
  labelsMatching(modelVersionId: number, space: VectorSpace, filter: MediaFilter): number[] {
    const { sql, key, params } = filterClause(filter, space);
    let stmt = this.filterStmts.get(key);
    if (!stmt) {
      const from =
        space === 'image'
          ? 'embeddings e JOIN media m ON m.id = e.media_id'
          : 'embeddings e JOIN captions c ON c.id = e.caption_id JOIN media m ON m.id = c.media_id';
      stmt = this.db.prepare<unknown[], { id: number }>(
        `SELECT e.id FROM ${from} WHERE e.model_version_id = ? AND e.space = '${space}' AND ${sql}`,
      );
      this.filterStmts.set(key, stmt);
    }
    return stmt.all(modelVersionId, ...params).map((r) => r.id);
  }

  /** Image–caption pairs with an embedded image, in a seeded shuffled order (ITM calibration, search/). */
  pairsForCalibration(
    modelVersionId: number,
    states: readonly ReviewState[],
    limit: number,
    seed: number,
  ): { imageLabel: number; path: string; text: string }[] {
    return this.calibrationPairsStmt.all(modelVersionId, JSON.stringify(states), 7919 * seed + 1, limit);
  }

  imageHits(labels: readonly number[]): Map<number, ImageHit> {
    const rows = this.imageHitsStmt.all(JSON.stringify(labels)) as unknown as ImageHit[];
    return new Map(rows.map((r) => [r.label, r]));
  }

  captionHits(labels: readonly number[]): Map<number, CaptionHit> {
    const rows = this.captionHitsStmt.all(JSON.stringify(labels)) as unknown as CaptionHit[];
    return new Map(rows.map((r) => [r.label, r]));
  }
}
