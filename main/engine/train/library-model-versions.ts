/**
 * The open library's model versions in the app (issue #10): the search of the ACTIVE version (its indexes and
 * a query encoder projecting with its heads), fine-tune as a background job of the library's JobRunner
 * (progress as `job.progress`; loss points and ETA through `onFineTune`), cancel, list and rollback.
 * Switching builds the new version's search first and swaps one reference, so a search in flight finishes on
 * the version it started with.
 *
 * Example:
 *   const mv = new LibraryModelVersions({ store, embedder, bundleDir, runner, base, tokenCache, onFineTune });
 *   const jobId = mv.startFineTune({ epochs: 5 }); await runner.wait(jobId); mv.list();
 */
import type { JobRunner } from '../jobs/job-runner';
import type { QueryModel } from '../search/model-query-encoder';
import type { ImageTokenCache } from '../search/image-token-cache';
import type { ItmCalibration } from '../search/itm-calibration';
import { LibrarySearch } from '../search/library-search';
import type { SearchRequest, SearchResult } from '../search/search-request';
import type { LibraryStore } from '../store/library-store';
import type { ModelVersion } from '../store/model-version-queries';
import { VectorIndex } from '../vector/vector-index';
import type { LossPoint } from './fine-tune';
import { type ProjectionHeads, projectRows } from './heads';
import { FineTuneError } from './fine-tune-error';
import type { FineTuneOptions } from './fine-tune-options';
import { fineTuneLibrary } from './library-fine-tune';
import { LibraryVersions, type VersionSummary } from './library-versions';
import { runFineTuneInWorker } from './run-fine-tune-worker';
import { StoreFineTunePort } from './store-fine-tune-port';
import { VersionQueryEncoder } from './version-query-encoder';

export const FINE_TUNE_JOB = 'fine-tune';
// Job cursors are JSON (jobs.get parses every job's cursor; a bare 'started' made it answer "no job" for a fine-tune,
// so the panel never showed a refusal's message). 'started' alone is still recognised from older libraries.
const STARTED = JSON.stringify({ fineTune: 'started' });
const FINISHED = JSON.stringify({ fineTune: 'finished' });

export interface FineTuneUpdate {
  jobId: number;
  step: number;
  totalSteps: number;
  etaSeconds: number;
  /** Loss points since the previous update (the UI appends them to its curve). */
  points: LossPoint[];
}

export interface LibraryModelVersionsParts {
  store: LibraryStore;
  /** Encodes the active version's queries: the app passes the worker-thread EmbeddingService. */
  embedder: QueryModel;
  bundleDir: string;
  runner: JobRunner;
  /** The bundle version's search, over the indexes ingest keeps current. */
  base: LibrarySearch;
  tokenCache?: ImageTokenCache;
  /** ITM calibration of the bundle: the fusion graph is the same for every version (only heads change). */
  calibration?: ItmCalibration;
  onFineTune?: (u: FineTuneUpdate) => void;
  /**
   * After every switch of the active version (fine-tune, rollback): what curation must follow to score and
   * queue that version (open-library passes it to Curation.useModelVersion).
   */
  onSwitch?: (target: CurationTarget) => void;
}

/** The active version as curation needs it: its id, its momentum heads, and where its CLS features are stored. */
export interface CurationTarget {
  modelVersionId: number;
  /** The bundle's version: a fine-tuned version stores no features of its own (encoders are frozen). */
  featureVersionId: number;
  momentum: ProjectionHeads;
}

export class LibraryModelVersions {
  private readonly versions: LibraryVersions;
  private current: {
    version: ModelVersion;
    search: LibrarySearch;
    indexes: VectorIndex[];
    heads?: ProjectionHeads;
  };
  /** The bundle version's text-row rewrite counter when edited captions were last re-projected (-1: never). */
  private textRewritesSeen = -1;

  constructor(private readonly parts: LibraryModelVersionsParts) {
    this.versions = new LibraryVersions(parts.store, parts.bundleDir, parts.embedder.manifest.name);
    this.current = { version: this.versions.base(), search: parts.base, indexes: [] };
    const active = this.versions.active();
    if (active.id !== this.current.version.id) this.switchTo(active);
    parts.runner.register<Partial<FineTuneOptions>>(FINE_TUNE_JOB, async (ctx) => {
      // A fine-tune interrupted by a quit or crash is not restarted on its own: it changed nothing, say so.
      if (ctx.cursor === STARTED || ctx.cursor === 'started')
        throw new FineTuneError(
          'cancelled',
          'The fine-tune was interrupted (app closed); the model version is unchanged. Start it again.',
        );
      ctx.commit(0, () => STARTED);
      let sent = 0;
      const r = await fineTuneLibrary(new StoreFineTunePort(this.versions), runFineTuneInWorker, ctx.params, {
        signal: ctx.signal,
        onProgress: (p) => {
          if (sent === 0) ctx.setTotal(p.totalSteps);
          ctx.progress(p.step);
          parts.onFineTune?.({
            jobId: ctx.jobId,
            step: p.step,
            totalSteps: p.totalSteps,
            etaSeconds: p.etaSeconds,
            points: p.points,
          });
          sent++;
        },
      });
      this.switchTo(this.parts.store.modelVersions.byId(r.version.id)!);
      // Persists the step count, so the job's last job.progress (read from its row) shows it complete.
      ctx.commit(r.lossCurve.length, () => FINISHED);
    });
  }

  get activeVersion(): ModelVersion {
    return this.current.version;
  }

  curationTarget(): CurationTarget {
    const v = this.current.version;
    return {
      modelVersionId: v.id,
      featureVersionId: this.versions.base().id,
      momentum: this.versions.heads(v).momentum,
    };
  }

  search(request: SearchRequest): Promise<SearchResult> {
    this.refreshEditedCaptions();
    return this.current.search.search(request);
  }

  startFineTune(options: Partial<FineTuneOptions> = {}): number {
    return this.parts.runner.enqueue(FINE_TUNE_JOB, options);
  }

  cancel(jobId: number): boolean {
    return this.parts.runner.cancel(jobId);
  }

  list(): VersionSummary[] {
    return this.versions.list();
  }

  rollback(target: string | number): ModelVersion {
    const v = this.versions.rollback(target);
    this.switchTo(v);
    return v;
  }

  private switchTo(v: ModelVersion): void {
    const old = this.current;
    if (v.id === this.versions.base().id) {
      this.current = { version: v, search: this.parts.base, indexes: [] };
    } else {
      const images = VectorIndex.open(this.parts.store, v.id, 'image', { dim: v.embedDim });
      const captions = VectorIndex.open(this.parts.store, v.id, 'text', { dim: v.embedDim });
      const heads = this.versions.heads(v).heads;
      const encoder = new VersionQueryEncoder(this.parts.embedder, v.name, heads);
      const search = new LibrarySearch({
        store: this.parts.store,
        encoder,
        modelVersionId: v.id,
        images,
        captions,
        ...(this.parts.tokenCache ? { tokenCache: this.parts.tokenCache } : {}),
        ...(this.parts.calibration ? { calibration: this.parts.calibration } : {}),
      });
      this.current = { version: v, search, indexes: [images, captions], heads };
      this.textRewritesSeen = -1;
      this.catchUp();
    }
    for (const index of old.indexes) index.dispose();
    this.parts.onSwitch?.(this.curationTarget());
  }

  /**
   * Ingest and curation embed new photos and captions under the bundle's version only; a fine-tuned active
   * version gets them here, projected with its heads from the same CLS features, so new imports stay
   * searchable after a fine-tune. Call after each import commit (open-library does, on job progress).
   * Returns how many items were added.
   */
  catchUp(): number {
    const { version, indexes, heads } = this.current;
    if (!heads) return 0;
    const { store } = this.parts;
    const missing = store.versions.missing(this.versions.base().id, version.id);
    const added: Array<[VectorIndex, number, Float32Array]> = [];
    store.transaction(() => {
      for (const [space, rows, tower, index] of [
        ['image', missing.images, heads.vision, indexes[0]!],
        ['text', missing.captions, heads.text, indexes[1]!],
      ] as const) {
        for (const [id, feature] of rows) {
          const emb = projectRows(tower, feature, 1);
          const { label } =
            space === 'image'
              ? store.vectors.upsertImage(version.id, id, emb)
              : store.vectors.upsertText(version.id, id, emb);
          added.push([index, label, emb]);
        }
      }
    });
    for (const [index, label, emb] of added) index.add(label, emb);
    return added.length + this.refreshEditedCaptions();
  }

  /**
   * A caption edited in review (or given a suggested text) is re-encoded under the bundle's version only: its CLS
   * feature and bundle embedding change, the fine-tuned active version's embedding would stay that of the old
   * text. This re-projects the current feature of every edited caption with the active heads where it differs.
   * Cheap when nothing changed: it runs only when the bundle version's text rows were rewritten since the last
   * time (that counter moves in the same transaction as the re-encode, so an edit whose re-encode is still
   * running is picked up on the next call, never skipped). Called by catchUp and before every search.
   * Returns how many captions were updated.
   */
  refreshEditedCaptions(): number {
    const { version, indexes, heads } = this.current;
    if (!heads) return 0;
    const { store } = this.parts;
    const base = this.versions.base().id;
    const rewrites = store.graphs.removals(base, 'text');
    if (rewrites === this.textRewritesSeen) return 0;
    this.textRewritesSeen = rewrites;
    const updated: Array<[number, Float32Array]> = [];
    store.transaction(() => {
      for (const c of store.versions.editedCaptions(base, version.id)) {
        const emb = projectRows(heads.text, c.feature, 1);
        if (c.embedding && sameVector(c.embedding, emb)) continue;
        updated.push([store.vectors.upsertText(version.id, c.captionId, emb).label, emb]);
      }
    });
    for (const [label, emb] of updated) indexes[1]!.add(label, emb);
    return updated.length;
  }

  dispose(): void {
    for (const index of this.current.indexes) index.dispose();
    this.current = { ...this.current, search: this.parts.base, indexes: [] };
  }
}

function sameVector(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
