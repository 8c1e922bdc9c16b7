import type Database from 'better-sqlite3';
import type { ReviewState } from './caption-queries';
import { blobToVector, vectorToBlob } from './vector-codec';

/** Settings key of the model version searches use (absent: the bundle's own version). */
export const ACTIVE_VERSION_KEY = 'model.active_version';

export interface PairRow {
  captionId: number;
  mediaId: number;
  review: ReviewState;
}

export interface NewVersionRow {
  name: string;
  parentId: number;
  embedDim: number;
  featureDim: number;
  bundleSha256: string | null;
  metrics: unknown;
  heads: Uint8Array;
  images: ReadonlyMap<number, Float32Array>;
  texts: ReadonlyMap<number, Float32Array>;
}

/**
 * Fine-tuned model versions (issue #10): every pair with its review state (the CLS features themselves come
 * from CurationQueries.features), a new version with its heads, metrics and embeddings, and the active-version setting.
 * `createVersion` must run inside `LibraryStore.transaction` so the version appears whole or not at all.
 */
export class VersionQueries {
  private readonly pairsStmt;
  private readonly insertVersionStmt;
  private readonly insertHeadsStmt;
  private readonly headsStmt;
  private readonly metricsStmt;
  private readonly insertImageStmt;
  private readonly insertTextStmt;
  private readonly missingImagesStmt;
  private readonly missingCaptionsStmt;
  private readonly getActiveStmt;
  private readonly setActiveStmt;
  private readonly editedCaptionsStmt;
  private readonly editedStmt;

  constructor(db: Database.Database) {
    this.pairsStmt = db.prepare<[], { id: number; media_id: number; review_state: ReviewState }>(
      'SELECT id, media_id, review_state FROM captions ORDER BY id',
    );
    this.insertVersionStmt = db.prepare(`
      INSERT INTO model_versions (name, embed_dim, feature_dim, bundle_sha256, parent_id, created_at, metrics_json)
      VALUES (@name, @embedDim, @featureDim, @bundleSha256, @parentId, @now, @metrics)`);
    this.insertHeadsStmt = db.prepare('INSERT INTO model_version_heads (model_version_id, data) VALUES (?, ?)');
    this.headsStmt = db.prepare<[number], { data: Buffer }>(
      'SELECT data FROM model_version_heads WHERE model_version_id = ?',
    );
    this.metricsStmt = db.prepare<[number], { metrics_json: string | null }>(
      'SELECT metrics_json FROM model_versions WHERE id = ?',
    );
    this.insertImageStmt = db.prepare(
      "INSERT INTO embeddings (model_version_id, space, media_id, dim, data) VALUES (?, 'image', ?, ?, ?)",
    );
    this.insertTextStmt = db.prepare(
      "INSERT INTO embeddings (model_version_id, space, caption_id, dim, data) VALUES (?, 'text', ?, ?, ?)",
    );
    this.missingImagesStmt = db.prepare<[number, number], { owner: number; data: Buffer }>(`
      SELECT f.media_id AS owner, f.data FROM features f
      WHERE f.model_version_id = ? AND f.media_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model_version_id = ? AND e.media_id = f.media_id)
      ORDER BY f.id`);
    this.missingCaptionsStmt = db.prepare<[number, number], { owner: number; data: Buffer }>(`
      SELECT f.caption_id AS owner, f.data FROM features f
      WHERE f.model_version_id = ? AND f.caption_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model_version_id = ? AND e.caption_id = f.caption_id)
      ORDER BY f.id`);
    // Captions whose text a correction changed (edit, suggestion, an undo of either): their CLS feature under the
    // bundle's version was re-encoded, so a fine-tuned version's embedding of them may be of the old text.
    this.editedCaptionsStmt = db.prepare<[], { caption_id: number }>(
      'SELECT DISTINCT caption_id FROM corrections WHERE old_text <> new_text ORDER BY caption_id',
    );
    this.editedStmt = db.prepare<
      [number, number, number],
      { label: number | null; feature: Buffer; emb: Buffer | null }
    >(`
      SELECT e.id AS label, f.data AS feature, e.data AS emb FROM features f
      LEFT JOIN embeddings e ON e.model_version_id = ? AND e.caption_id = f.caption_id
      WHERE f.model_version_id = ? AND f.caption_id = ?`);
    this.getActiveStmt = db.prepare<[string], { value_json: string }>('SELECT value_json FROM settings WHERE key = ?');
    this.setActiveStmt = db.prepare(`
      INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`);
  }

  /** Every caption with its image and review state (the fine-tune's training pairs). */
  pairs(): PairRow[] {
    return this.pairsStmt.all().map((r) => ({ captionId: r.id, mediaId: r.media_id, review: r.review_state }));
  }

  /** Inserts the version row, its heads and all its embeddings; returns the new id. Call inside a transaction. */
  createVersion(v: NewVersionRow, now = Date.now()): number {
    const id = Number(
      this.insertVersionStmt.run({
        name: v.name,
        embedDim: v.embedDim,
        featureDim: v.featureDim,
        bundleSha256: v.bundleSha256,
        parentId: v.parentId,
        now,
        metrics: JSON.stringify(v.metrics),
      }).lastInsertRowid,
    );
    this.insertHeadsStmt.run(id, Buffer.from(v.heads.buffer, v.heads.byteOffset, v.heads.byteLength));
    for (const [mediaId, e] of v.images) this.insertImageStmt.run(id, mediaId, e.length, vectorToBlob(e));
    for (const [captionId, e] of v.texts) this.insertTextStmt.run(id, captionId, e.length, vectorToBlob(e));
    return id;
  }

  /**
   * CLS features stored under `featureVersionId` (the bundle's version) of items that have no embedding yet
   * under `versionId`: photos and captions imported after a fine-tune, which that version must still find.
   */
  missing(
    featureVersionId: number,
    versionId: number,
  ): {
    images: Map<number, Float32Array>;
    captions: Map<number, Float32Array>;
  } {
    const read = (rows: { owner: number; data: Buffer }[]) => new Map(rows.map((r) => [r.owner, blobToVector(r.data)]));
    return {
      images: read(this.missingImagesStmt.all(featureVersionId, versionId)),
      captions: read(this.missingCaptionsStmt.all(featureVersionId, versionId)),
    };
  }

  /**
   * Every caption whose text a correction changed, with its current CLS feature under `featureVersionId` and its
   * embedding under `versionId` (null when it has none yet). A fine-tuned version re-projects these (issue #10).
   */
  editedCaptions(
    featureVersionId: number,
    versionId: number,
  ): Array<{ captionId: number; feature: Float32Array; embedding: Float32Array | null }> {
    return this.editedCaptionsStmt.all().flatMap(({ caption_id }) => {
      const r = this.editedStmt.get(versionId, featureVersionId, caption_id);
      return r
        ? [{ captionId: caption_id, feature: blobToVector(r.feature), embedding: r.emb ? blobToVector(r.emb) : null }]
        : [];
    });
  }

  /** The stored heads (safetensors bytes) of a fine-tuned version; undefined for the bundle's own version. */
  heads(modelVersionId: number): Uint8Array | undefined {
    const r = this.headsStmt.get(modelVersionId);
    return r && new Uint8Array(r.data);
  }

  metrics(modelVersionId: number): unknown {
    const r = this.metricsStmt.get(modelVersionId);
    return r?.metrics_json ? (JSON.parse(r.metrics_json) as unknown) : undefined;
  }

  /** The active version's id, or undefined when none was ever set (the bundle's version is active). */
  activeId(): number | undefined {
    const r = this.getActiveStmt.get(ACTIVE_VERSION_KEY);
    return r === undefined ? undefined : (JSON.parse(r.value_json) as number);
  }

  /** One row write: the switch is atomic (a reader sees the old or the new id, never a mix). */
  setActive(modelVersionId: number, now = Date.now()): void {
    this.setActiveStmt.run(ACTIVE_VERSION_KEY, JSON.stringify(modelVersionId), now);
  }
}
