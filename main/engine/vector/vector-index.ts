import hnswlib from 'hnswlib-node';
import type { LibraryStore } from '../store/library-store';
import type { VectorSpace } from '../store/media-filter';
import { calibrateEf, type EfCalibration } from './ef-calibration';
import { exactTopK, type Neighbour } from './exact-search';
import { defaultGraphCacheDir, fileChunks, writeChunks } from './graph-blob';
import { GraphFileCache } from './graph-file-cache';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export interface HnswParams {
  m: number;
  efConstruction: number;
  /**
   * Query-time beam width before the index has measured its own (see `efCalibration`); passing it in
   * `options.params` fixes it and turns the measurement off.
   */
  efSearch: number;
  seed: number;
}

export const DEFAULT_HNSW_PARAMS: HnswParams = { m: 32, efConstruction: 200, efSearch: 128, seed: 100 };

/** Why an index was rebuilt instead of loaded; a person sees this (DESIGN.md §5, issue #6 "says so"). */
export type RebuildReason = 'missing' | 'stale' | 'corrupt';

export type IndexOpenStatus =
  | { state: 'empty' }
  /**
   * `caughtUp`: rows committed after the graph was written (e.g. before a crash), added on open. `from`: the
   * verified file copy in the library's cache (`cache`), or the blob in the database (`blob`).
   */
  | { state: 'loaded'; elementCount: number; ms: number; caughtUp: number; from: 'cache' | 'blob' }
  | { state: 'rebuilt'; reason: RebuildReason; detail: string; elementCount: number; ms: number };

export interface VectorIndexOptions {
  dim: number;
  params?: Partial<HnswParams>;
  /** Below this many live vectors, search is exact over the rows (HNSW buys nothing there). */
  exactBelow?: number;
  onStatus?: (status: IndexOpenStatus) => void;
  /**
   * Folder for the verified file copy of the graph (default: the library's cache folder, see
   * `defaultGraphCacheDir`); null: none, every open reads the blob through a temp file.
   */
  graphCacheDir?: string | null;
  /** Don't measure efSearch below this many live vectors (the measurement needs exact search over all rows). */
  calibrateFrom?: number;
  /** Called every 10 000 vectors while building from the rows (a 1M rebuild takes minutes: show progress). */
  onRebuildProgress?: (done: number, total: number) => void;
}

interface StoredParams extends HnswParams {
  dim: number;
  deletedCount: number;
  efCalibration?: EfCalibration;
}

/**
 * The HNSW index of one (model version, space): vectors are `embeddings` rows, the graph is a derived,
 * checksummed blob in the same database (DESIGN.md §5). Inner product on L2-normalised vectors, so
 * score = cosine similarity. Labels are embedding row ids. Call `add`/`delete` after the rows commit.
 *
 * @example
 *   const index = VectorIndex.open(store, mv.id, 'image', { dim: 256 });
 *   if (index.status.state === 'rebuilt') report(index.status.reason);
 *   const hits = index.search(queryEmbedding, 10);
 */
export class VectorIndex {
  private hnsw: Hnsw | null = null;
  private deletedCount = 0;
  /** Largest label ever added (labels are AUTOINCREMENT ids, so rows above it are new to the graph). */
  private maxLabel = -1;
  private dirty = false;
  private disposed = false;
  readonly params: HnswParams;
  readonly exactBelow: number;
  status: IndexOpenStatus = { state: 'empty' };
  /**
   * The beam this graph measured for itself (recall@10 ≥ 0.99 on stored vectors used as queries, against
   * exact search); null until measured. Measured when the graph is written and has no measurement, or has
   * doubled since it (docs/library-store.md "Vector index").
   */
  efCalibration: EfCalibration | null = null;
  private fixedEf = false;
  private graphFile!: GraphFileCache;
  private calibrateFrom = 1000;
  private onRebuildProgress: ((done: number, total: number) => void) | undefined;

  private constructor(
    private readonly store: LibraryStore,
    readonly modelVersionId: number,
    readonly space: VectorSpace,
    readonly dim: number,
    params: HnswParams,
    exactBelow: number,
  ) {
    this.params = params;
    this.exactBelow = exactBelow;
  }

  /** Loads the stored graph, or rebuilds it from the rows when it is missing, stale or corrupt — and says which. */
  static open(
    store: LibraryStore,
    modelVersionId: number,
    space: VectorSpace,
    options: VectorIndexOptions,
  ): VectorIndex {
    const params = { ...DEFAULT_HNSW_PARAMS, ...options.params };
    const index = new VectorIndex(store, modelVersionId, space, options.dim, params, options.exactBelow ?? 1000);
    index.fixedEf = options.params?.efSearch !== undefined;
    index.graphFile = new GraphFileCache(
      options.graphCacheDir === undefined ? defaultGraphCacheDir(store.file) : options.graphCacheDir,
      `${modelVersionId}-${space}.hnsw`,
    );
    index.calibrateFrom = Math.max(options.calibrateFrom ?? 1000, 20);
    if (options.onRebuildProgress) index.onRebuildProgress = options.onRebuildProgress;
    index.status = index.loadOrRebuild();
    options.onStatus?.(index.status);
    return index;
  }

  /** Live vectors (marked-deleted ones excluded). */
  get size(): number {
    return this.hnsw ? this.hnsw.getCurrentCount() - this.deletedCount : 0;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  /** Adds or replaces one vector; grows the capacity by doubling when full. */
  add(label: number, vector: Float32Array): void {
    this.checkVector(vector);
    const h = this.ensureHnsw(1024);
    if (h.getCurrentCount() >= h.getMaxElements()) h.resizeIndex(Math.max(1024, h.getMaxElements() * 2));
    h.addPoint(Array.from(vector), label);
    if (label > this.maxLabel) this.maxLabel = label;
    this.dirty = true;
  }

  /** Marks a label deleted (hnswlib keeps the node for graph connectivity); false if it was not live. */
  delete(label: number): boolean {
    if (!this.hnsw) return false;
    try {
      this.hnsw.markDelete(label);
    } catch {
      return false;
    }
    this.deletedCount++;
    this.dirty = true;
    return true;
  }

  /**
   * k nearest by inner product. `accept` restricts results (hnswlib's filtered search, so the beam keeps
   * looking until k accepted labels are found). Small sets go exact over the rows.
   */
  search(
    query: Float32Array,
    k: number,
    accept?: (label: number) => boolean,
    efSearch = this.params.efSearch,
  ): Neighbour[] {
    this.checkVector(query);
    const h = this.hnsw;
    if (!h || this.size === 0 || k <= 0) return [];
    if (this.size < this.exactBelow) {
      const rows = this.store.vectors.iterate(this.modelVersionId, this.space);
      return exactTopK(query, accept ? filterRows(rows, accept) : rows, k);
    }
    const kk = Math.min(k, this.size);
    h.setEf(Math.max(efSearch, kk));
    const r = h.searchKnn(Array.from(query), kk, accept);
    return r.neighbors.map((label, i) => ({ label, score: 1 - r.distances[i]! }));
  }

  /** Exact k-NN over the stored rows (all, or the given labels): the reference for verification and filters. */
  searchExact(query: Float32Array, k: number, labels?: readonly number[]): Neighbour[] {
    this.checkVector(query);
    const rows = labels
      ? this.store.vectors.byLabels(labels)
      : this.store.vectors.iterate(this.modelVersionId, this.space);
    return exactTopK(query, rows, k);
  }

  /** Writes the graph blob with its count, revision and checksum, if anything changed since the last write. */
  persist(force = false): boolean {
    if (!this.hnsw || (!this.dirty && !force)) return false;
    const h = this.hnsw;
    // Many tombstones slow search and waste space: compact by rebuilding from the rows first.
    if (this.deletedCount > 1000 && this.deletedCount > h.getCurrentCount() / 4) this.rebuild();
    this.calibrateIfDue();
    const stored: StoredParams = {
      ...this.params,
      dim: this.dim,
      deletedCount: this.deletedCount,
      ...(this.efCalibration ? { efCalibration: this.efCalibration } : {}),
    };
    this.graphFile.write((file) => {
      this.hnsw!.writeIndexSync(file);
      const { chunks, finish } = fileChunks(file);
      this.store.transaction(() => {
        const revision = this.store.graphs.revision(this.modelVersionId, this.space);
        const removals = this.store.graphs.removals(this.modelVersionId, this.space);
        this.store.graphs.write(
          this.modelVersionId,
          this.space,
          { elementCount: this.size, revision, removals, maxLabel: this.maxLabel, params: stored },
          chunks,
          finish,
        );
      });
    });
    this.dirty = false;
    return true;
  }

  /** Rebuilds the graph from the rows (e.g. after a fine-tune re-projected every vector). */
  rebuild(): number {
    const count = this.store.vectors.count(this.modelVersionId, this.space);
    const h = new HierarchicalNSW('ip', this.dim);
    h.initIndex({
      maxElements: Math.max(1024, Math.ceil(count * 1.25)),
      m: this.params.m,
      efConstruction: this.params.efConstruction,
      randomSeed: this.params.seed,
    });
    let maxLabel = -1;
    let done = 0;
    for (const { label, vector } of this.store.vectors.iterate(this.modelVersionId, this.space)) {
      h.addPoint(Array.from(vector), label);
      maxLabel = label;
      if (++done % 10_000 === 0) this.onRebuildProgress?.(done, count);
    }
    this.hnsw = h;
    this.maxLabel = maxLabel;
    this.deletedCount = 0;
    this.dirty = true;
    return count;
  }

  /** Persists pending changes (unless told not to), then frees the native index. */
  dispose(options: { persist?: boolean } = {}): void {
    if (this.disposed) return;
    if (options.persist ?? true) this.persist();
    this.disposed = true;
    this.hnsw = null;
  }

  private loadOrRebuild(): IndexOpenStatus {
    const t0 = performance.now();
    const rows = this.store.vectors.count(this.modelVersionId, this.space);
    const revision = this.store.graphs.revision(this.modelVersionId, this.space);
    const meta = this.store.graphs.meta(this.modelVersionId, this.space);
    const rebuilt = (reason: RebuildReason, detail: string): IndexOpenStatus => {
      const elementCount = this.rebuild();
      this.persist(true);
      return { state: 'rebuilt', reason, detail, elementCount, ms: performance.now() - t0 };
    };
    if (!meta) {
      if (rows === 0) {
        this.ensureHnsw(1024);
        return { state: 'empty' };
      }
      return rebuilt('missing', `no stored graph for ${rows} vectors`);
    }
    const staleDetail = `stored graph has ${meta.elementCount} vectors at revision ${meta.revision}; the library has ${rows} at revision ${revision}`;
    // Only inserts since the write (no delete, no rewrite): load it and add the newer rows instead of rebuilding.
    const canCatchUp =
      meta.revision < revision &&
      meta.removals >= 0 &&
      meta.removals === this.store.graphs.removals(this.modelVersionId, this.space);
    if ((meta.revision !== revision || meta.elementCount !== rows) && !canCatchUp) {
      return rebuilt('stale', staleDetail);
    }
    const stored = meta.params as StoredParams;
    const readGraph = (file: string) => {
      if (stored.dim !== this.dim) throw new Error(`graph has dimension ${stored.dim}, expected ${this.dim}`);
      const h = new HierarchicalNSW('ip', this.dim);
      h.readIndexSync(file);
      if (h.getCurrentCount() - stored.deletedCount !== meta.elementCount) {
        throw new Error(
          `graph holds ${h.getCurrentCount() - stored.deletedCount} live vectors, its record says ${meta.elementCount}`,
        );
      }
      this.hnsw = h;
      this.deletedCount = stored.deletedCount;
      this.maxLabel = meta.maxLabel;
      // The graph was built with the stored M / efConstruction; later additions and writes follow them.
      this.params.m = stored.m;
      this.params.efConstruction = stored.efConstruction;
      if (stored.efCalibration) {
        this.efCalibration = stored.efCalibration;
        if (!this.fixedEf) this.params.efSearch = stored.efCalibration.ef;
      }
    };
    let from: 'cache' | 'blob' = 'blob';
    try {
      // The cached file is read only when its bytes hash to the checksum stored with the blob (same check as the
      // blob's, before hnswlib sees a byte); otherwise it is dropped and the blob is read and cached again.
      const cached = this.graphFile.verified(meta.byteLength, meta.checksum);
      if (cached) {
        readGraph(cached);
        from = 'cache';
      } else {
        this.graphFile.write((file) => {
          const got = writeChunks(file, this.store.graphs.chunks(this.modelVersionId, this.space));
          if (got.byteLength !== meta.byteLength || got.checksum !== meta.checksum) {
            throw new Error(
              `checksum mismatch (stored ${meta.byteLength} bytes sha256 ${meta.checksum.slice(0, 12)}…, read ` +
                `${got.byteLength} bytes sha256 ${got.checksum.slice(0, 12)}…)`,
            );
          }
          readGraph(file);
        });
      }
    } catch (e) {
      return rebuilt('corrupt', `stored graph unusable: ${(e as Error).message}`);
    }
    let caughtUp = 0;
    if (meta.revision !== revision) {
      for (const { label, vector } of this.store.vectors.iterateAfter(this.modelVersionId, this.space, meta.maxLabel)) {
        this.add(label, vector);
        caughtUp++;
      }
      if (this.size !== rows) {
        return rebuilt('stale', `${staleDetail}; catching up added ${caughtUp} but left ${this.size} ≠ ${rows}`);
      }
    }
    return { state: 'loaded', elementCount: rows, ms: performance.now() - t0, caughtUp, from };
  }

  /**
   * Measures efSearch when the graph has none or has doubled since (a graph's need for a wider beam grows
   * with its size and with how little structure the vectors have). A few seconds at 100k, done when the graph
   * is written (after a build, at close), never on a query.
   */
  private calibrateIfDue(): void {
    const h = this.hnsw;
    const size = this.size;
    if (this.fixedEf || !h || size < this.calibrateFrom) return;
    if (this.efCalibration && size < 2 * this.efCalibration.size) return;
    this.efCalibration = calibrateEf({
      // delete() follows the row's deletion, so the rows are exactly the graph's live labels.
      rows: () => this.store.vectors.iterate(this.modelVersionId, this.space),
      count: size,
      search: (q, k, ef) => {
        h.setEf(ef);
        const r = h.searchKnn(Array.from(q), Math.min(k, size));
        return r.neighbors.map((label, i) => ({ label, score: 1 - r.distances[i]! }));
      },
      seed: this.params.seed,
    });
    this.params.efSearch = this.efCalibration.ef;
  }

  private ensureHnsw(capacity: number): Hnsw {
    if (this.disposed) throw new Error('VectorIndex used after dispose()');
    if (!this.hnsw) {
      const h = new HierarchicalNSW('ip', this.dim);
      h.initIndex({
        maxElements: capacity,
        m: this.params.m,
        efConstruction: this.params.efConstruction,
        randomSeed: this.params.seed,
      });
      this.hnsw = h;
    }
    return this.hnsw;
  }

  private checkVector(v: Float32Array): void {
    if (v.length !== this.dim) throw new RangeError(`vector has ${v.length} dimensions, index expects ${this.dim}`);
    // A NaN would poison every distance it meets inside the graph; refuse it at the door.
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i]!)) throw new RangeError(`vector component ${i} is ${v[i]}, not a finite number`);
    }
  }
}

function* filterRows<T extends { label: number }>(rows: Iterable<T>, accept: (label: number) => boolean): Generator<T> {
  for (const r of rows) if (accept(r.label)) yield r;
}
