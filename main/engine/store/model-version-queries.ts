import type Database from 'better-sqlite3';

export interface ModelVersionInput {
  name: string;
  embedDim: number;
  featureDim: number;
  bundleSha256?: string | null;
  parentId?: number | null;
}

export interface ModelVersion extends Required<ModelVersionInput> {
  id: number;
  createdAt: number;
}

interface ModelVersionRow {
  id: number;
  name: string;
  embed_dim: number;
  feature_dim: number;
  bundle_sha256: string | null;
  parent_id: number | null;
  created_at: number;
}

const toModelVersion = (r: ModelVersionRow): ModelVersion => ({
  id: r.id,
  name: r.name,
  embedDim: r.embed_dim,
  featureDim: r.feature_dim,
  bundleSha256: r.bundle_sha256,
  parentId: r.parent_id,
  createdAt: r.created_at,
});

/** Model versions: the bundle a library was embedded with, and each fine-tuned successor (DESIGN.md §3). */
export class ModelVersionQueries {
  private readonly insertStmt;
  private readonly byNameStmt;
  private readonly byIdStmt;
  private readonly listStmt;
  private readonly renameStmt;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(`
      INSERT INTO model_versions (name, embed_dim, feature_dim, bundle_sha256, parent_id, created_at)
      VALUES (@name, @embedDim, @featureDim, @bundleSha256, @parentId, @now)
      ON CONFLICT (name) DO NOTHING`);
    this.byNameStmt = db.prepare<[string], ModelVersionRow>('SELECT * FROM model_versions WHERE name = ?');
    this.byIdStmt = db.prepare<[number], ModelVersionRow>('SELECT * FROM model_versions WHERE id = ?');
    this.listStmt = db.prepare<[], ModelVersionRow>('SELECT * FROM model_versions ORDER BY id');
    this.renameStmt = db.prepare<[string, number]>('UPDATE model_versions SET name = ? WHERE id = ?');
    this.ensure = db.transaction(this.ensure.bind(this));
  }

  /** The name an earlier bundle's version is kept under once a different bundle of the same name is in use. */
  static archivedName(name: string, bundleSha256: string): string {
    return `${name}@${bundleSha256.slice(0, 12)}`;
  }

  /**
   * Returns the version with this name, creating it on first use. A version is one bundle: when a bundle of the
   * same name but different bytes (a retrained default model, an updated download) is ensured, the earlier
   * version keeps its vectors, fine-tunes and scores under `name@<its sha256 prefix>` and the name starts a new,
   * empty version, so nothing compares the new model's queries with the old model's vectors, and an import
   * re-embeds. Going back to the earlier bundle gives its archived version its name back.
   */
  ensure(v: ModelVersionInput, now = Date.now()): ModelVersion {
    const sha = v.bundleSha256 ?? null;
    const current = this.byName(v.name);
    if (current && sha !== null && current.bundleSha256 !== null && current.bundleSha256 !== sha) {
      const archived = ModelVersionQueries.archivedName(v.name, current.bundleSha256);
      this.renameStmt.run(this.byName(archived) ? `${archived}#${current.id}` : archived, current.id);
    }
    if (sha !== null && !this.byName(v.name)) {
      const earlier = this.byName(ModelVersionQueries.archivedName(v.name, sha));
      if (earlier && earlier.bundleSha256 === sha) this.renameStmt.run(v.name, earlier.id);
    }
    this.insertStmt.run({
      name: v.name,
      embedDim: v.embedDim,
      featureDim: v.featureDim,
      bundleSha256: v.bundleSha256 ?? null,
      parentId: v.parentId ?? null,
      now,
    });
    return this.byName(v.name)!;
  }

  byName(name: string): ModelVersion | undefined {
    const r = this.byNameStmt.get(name);
    return r && toModelVersion(r);
  }

  byId(id: number): ModelVersion | undefined {
    const r = this.byIdStmt.get(id);
    return r && toModelVersion(r);
  }

  list(): ModelVersion[] {
    return this.listStmt.all().map(toModelVersion);
  }
}
