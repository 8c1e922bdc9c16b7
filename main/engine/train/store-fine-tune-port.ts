/**
 * `FineTuneLibraryPort` over a real library (issue #10): pairs and CLS features from SQLite (features of
 * the bundle's version — encoders are frozen, so every fine-tuned version re-projects the same features),
 * the new version committed in one transaction (row, heads BLOB, metrics, every embedding), both HNSW
 * graphs built (in worker threads) and stored, then the active-version setting switched. Until that last write every search
 * keeps using the previous version; a kill before it leaves at most an inactive version behind.
 *
 * Example: await fineTuneLibrary(new StoreFineTunePort(versions), runFineTuneInWorker, {}, hooks);
 */
import type { ModelVersion } from '../store/model-version-queries';
import type { HeadsFile } from './heads-file';
import type { FineTuneLibraryPort, LibraryPair, ModelVersionRef, NewModelVersion } from './library-fine-tune';
import type { LibraryVersions } from './library-versions';
import { buildVersionGraphs, type VersionGraphsReport } from './version-graphs';

export class StoreFineTunePort implements FineTuneLibraryPort {
  private features?: { images: Map<number, Float32Array>; captions: Map<number, Float32Array> };
  /** Timing of the last graph build (counts, worker wall time, this thread's share). */
  lastGraphs?: VersionGraphsReport;

  constructor(private readonly versions: LibraryVersions) {}

  private get store() {
    return this.versions.store;
  }

  private byRef(v: ModelVersionRef): ModelVersion {
    return this.store.modelVersions.byId(v.id)!;
  }

  private cached() {
    const base = this.versions.base().id;
    this.features ??= {
      images: this.store.curation.features(base, 'media'),
      captions: this.store.curation.features(base, 'caption'),
    };
    return this.features;
  }

  activeVersion(): ModelVersionRef {
    const v = this.versions.active();
    return { id: v.id, name: v.name };
  }

  heads(version: ModelVersionRef): HeadsFile {
    return this.versions.heads(this.byRef(version));
  }

  /** Group = the image: all captions of one photo are positives of each other (spec §1.8 step 4). */
  pairs(): LibraryPair[] {
    return this.store.versions.pairs().map((p) => ({ ...p, group: p.mediaId }));
  }

  imageFeatures(): Map<number, Float32Array> {
    return this.cached().images;
  }

  captionFeatures(): Map<number, Float32Array> {
    return this.cached().captions;
  }

  commitVersion(v: NewModelVersion): ModelVersionRef {
    const parent = this.byRef({ id: v.parentId, name: '' });
    const first = v.images.values().next().value ?? v.texts.values().next().value;
    const id = this.store.transaction(() =>
      this.store.versions.createVersion({
        name: v.name,
        parentId: v.parentId,
        embedDim: first?.length ?? parent.embedDim,
        featureDim: parent.featureDim,
        bundleSha256: parent.bundleSha256,
        metrics: v.metrics,
        heads: v.heads,
        images: v.images,
        texts: v.texts,
      }),
    );
    return { id, name: v.name };
  }

  /**
   * Both HNSW graphs, built in worker threads (version-graphs.ts): at 10,000 pairs the builds are the
   * longest part after training, and on this thread they blocked every request. Only the row read and the
   * graph write happen here.
   */
  async rebuildIndexes(version: ModelVersionRef): Promise<void> {
    this.lastGraphs = await buildVersionGraphs(this.store, version.id, this.byRef(version).embedDim);
  }

  activate(version: ModelVersionRef): void {
    this.store.transaction(() => this.store.versions.setActive(version.id));
  }
}
