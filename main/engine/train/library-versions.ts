/**
 * Model versions of one library (issue #10, DESIGN.md §3): which is active, their heads, the list, and
 * rollback. The bundle's own version has no stored heads (its heads are the bundle's heads.safetensors);
 * every fine-tuned version keeps its heads BLOB, its metrics and a full set of embeddings, so switching back
 * to any of them is one settings write — the earlier results come back exactly, nothing is recomputed.
 *
 * Example:
 *   const lv = new LibraryVersions(store, bundleDir, 'albef-emoji-small');
 *   lv.rollback(lv.list()[0]!.name);
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LibraryStore } from '../store/library-store';
import type { ModelVersion } from '../store/model-version-queries';
import { VectorIndex } from '../vector/vector-index';
import { FineTuneError } from './fine-tune-error';
import { type HeadsFile, parseHeadsFile } from './heads-file';
import type { RecallReport } from './recall';

export interface VersionSummary {
  id: number;
  name: string;
  parentId: number | null;
  createdAt: number;
  active: boolean;
  /** Held-out recall before/after the fine-tune that made this version (none for the bundle's version). */
  before?: RecallReport;
  after?: RecallReport;
}

export class LibraryVersions {
  constructor(
    readonly store: LibraryStore,
    private readonly bundleDir: string,
    /** The bundle's version name (its manifest name): the one ingest embeds with. */
    readonly bundleVersion: string,
  ) {}

  /** Opens the library file (lock, migrations) for the bundle in `bundleDir`; close() releases it. */
  static open(libraryFile: string, bundleDir: string): LibraryVersions {
    const manifest = JSON.parse(readFileSync(join(bundleDir, 'manifest.json'), 'utf8')) as { name: string };
    return new LibraryVersions(LibraryStore.open(libraryFile), bundleDir, manifest.name);
  }

  close(): void {
    this.store.close();
  }

  /** The bundle's own version row (created by the first import). */
  base(): ModelVersion {
    const v = this.store.modelVersions.byName(this.bundleVersion);
    if (!v)
      throw new FineTuneError(
        'bad-input',
        `Library ${this.store.file} has no embeddings for model "${this.bundleVersion}" — import some images first`,
      );
    return v;
  }

  active(): ModelVersion {
    const id = this.store.versions.activeId();
    const v = id === undefined ? undefined : this.store.modelVersions.byId(id);
    return v && this.rootOf(v).name === this.bundleVersion ? v : this.base();
  }

  /** The version whose cached CLS features a version's embeddings come from (encoders are frozen). */
  rootOf(v: ModelVersion): ModelVersion {
    let cur = v;
    for (let hops = 0; cur.parentId !== null && hops < 10_000; hops++)
      cur = this.store.modelVersions.byId(cur.parentId)!;
    return cur;
  }

  heads(v: ModelVersion): HeadsFile {
    const stored = this.store.versions.heads(v.id);
    if (stored) return parseHeadsFile(stored, `${this.store.file} model version "${v.name}" heads`);
    const file = join(this.bundleDir, 'heads.safetensors');
    return parseHeadsFile(readFileSync(file), file);
  }

  list(): VersionSummary[] {
    const active = this.active().id;
    return this.store.modelVersions
      .list()
      .filter((v) => this.rootOf(v).name === this.bundleVersion)
      .map((v) => {
        const m = this.store.versions.metrics(v.id) as { before?: RecallReport; after?: RecallReport } | undefined;
        return {
          id: v.id,
          name: v.name,
          parentId: v.parentId,
          createdAt: v.createdAt,
          active: v.id === active,
          ...(m?.before ? { before: m.before } : {}),
          ...(m?.after ? { after: m.after } : {}),
        };
      });
  }

  /** Builds and stores both HNSW graphs of a version (a no-op load when they are current). */
  ensureIndexes(v: ModelVersion): void {
    for (const space of ['image', 'text'] as const)
      VectorIndex.open(this.store, v.id, space, { dim: v.embedDim }).dispose();
  }

  /** Makes `name` (or id) the active version: indexes first, then one settings write. */
  rollback(target: string | number): ModelVersion {
    const v =
      typeof target === 'number' || /^\d+$/.test(target)
        ? this.store.modelVersions.byId(Number(target))
        : this.store.modelVersions.byName(target);
    if (!v || this.rootOf(v).name !== this.bundleVersion) {
      const names = this.list().map((x) => x.name);
      throw new FineTuneError(
        'bad-input',
        `No model version "${target}" in this library (it has: ${names.join(', ')})`,
      );
    }
    this.ensureIndexes(v);
    this.store.transaction(() => this.store.versions.setActive(v.id));
    return v;
  }
}
