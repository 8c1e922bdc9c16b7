import type Database from 'better-sqlite3';
import type { VectorSpace } from './media-filter';

/** What is stored beside a graph blob, to tell whether it still describes the rows (DESIGN.md §5). */
export interface GraphMeta {
  elementCount: number;
  /** `vector_revisions.revision` of the rows the graph was built from. */
  revision: number;
  /** `vector_revisions.removals` then (-1: written before migration 5, unknown). */
  removals: number;
  /** Largest label in the graph (-1: unknown). */
  maxLabel: number;
  params: unknown;
  byteLength: number;
  /** sha256 of the concatenated chunks, hex. */
  checksum: string;
  writtenAt: number;
}

interface GraphRow {
  element_count: number;
  revision: number;
  removals: number;
  max_label: number;
  params_json: string;
  byte_length: number;
  checksum: string;
  written_at: number;
}

/** The persisted HNSW graph of one (model version, space), stored as chunked BLOBs. */
export class GraphQueries {
  private readonly metaStmt;
  private readonly chunksStmt;
  private readonly revisionStmt;
  private readonly deleteStmt;
  private readonly insertMetaStmt;
  private readonly insertChunkStmt;
  private readonly setChecksumStmt;

  constructor(private readonly db: Database.Database) {
    this.metaStmt = db.prepare<[number, VectorSpace], GraphRow>(
      'SELECT * FROM vector_graphs WHERE model_version_id = ? AND space = ?',
    );
    this.chunksStmt = db.prepare<[number, VectorSpace], { data: Buffer }>(
      'SELECT data FROM vector_graph_chunks WHERE model_version_id = ? AND space = ? ORDER BY seq',
    );
    this.revisionStmt = db.prepare<[number, VectorSpace], { revision: number; removals: number }>(
      'SELECT revision, removals FROM vector_revisions WHERE model_version_id = ? AND space = ?',
    );
    this.deleteStmt = db.prepare('DELETE FROM vector_graphs WHERE model_version_id = ? AND space = ?');
    this.insertMetaStmt = db.prepare(`
      INSERT INTO vector_graphs (model_version_id, space, element_count, revision, removals, max_label, params_json,
                                 byte_length, checksum, written_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, 0, '', ?)`);
    this.insertChunkStmt = db.prepare(
      'INSERT INTO vector_graph_chunks (model_version_id, space, seq, data) VALUES (?, ?, ?, ?)',
    );
    this.setChecksumStmt = db.prepare(
      'UPDATE vector_graphs SET byte_length = ?, checksum = ? WHERE model_version_id = ? AND space = ?',
    );
  }

  meta(modelVersionId: number, space: VectorSpace): GraphMeta | undefined {
    const r = this.metaStmt.get(modelVersionId, space);
    if (!r) return undefined;
    return {
      elementCount: r.element_count,
      revision: r.revision,
      removals: r.removals,
      maxLabel: r.max_label,
      params: JSON.parse(r.params_json) as unknown,
      byteLength: r.byte_length,
      checksum: r.checksum,
      writtenAt: r.written_at,
    };
  }

  *chunks(modelVersionId: number, space: VectorSpace): Generator<Buffer> {
    for (const r of this.chunksStmt.iterate(modelVersionId, space)) yield r.data;
  }

  /** Revision of the rows now; bumped by triggers on every embedding insert/update/delete. */
  revision(modelVersionId: number, space: VectorSpace): number {
    return this.revisionStmt.get(modelVersionId, space)?.revision ?? 0;
  }

  /** Deletes and rewrites of embeddings so far (inserts excluded); see migration 005. */
  removals(modelVersionId: number, space: VectorSpace): number {
    return this.revisionStmt.get(modelVersionId, space)?.removals ?? 0;
  }

  /**
   * Replaces the stored graph in one transaction. `chunks` is consumed inside it; `finish` returns the
   * byte length and checksum of what was consumed, so the blob is hashed while written, never held whole.
   */
  write(
    modelVersionId: number,
    space: VectorSpace,
    head: { elementCount: number; revision: number; removals: number; maxLabel: number; params: unknown },
    chunks: Iterable<Buffer>,
    finish: () => { byteLength: number; checksum: string },
    now = Date.now(),
  ): void {
    this.db.transaction(() => {
      this.deleteStmt.run(modelVersionId, space);
      this.insertMetaStmt.run(
        modelVersionId,
        space,
        head.elementCount,
        head.revision,
        head.removals,
        head.maxLabel,
        JSON.stringify(head.params),
        now,
      );
      let seq = 0;
      for (const c of chunks) this.insertChunkStmt.run(modelVersionId, space, seq++, c);
      const { byteLength, checksum } = finish();
      this.setChecksumStmt.run(byteLength, checksum, modelVersionId, space);
    })();
  }

  delete(modelVersionId: number, space: VectorSpace): void {
    this.deleteStmt.run(modelVersionId, space);
  }
}
