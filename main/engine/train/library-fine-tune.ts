/**
 * One click, engine side (issue #10, DESIGN.md §3): gather the library's pairs + cached CLS features →
 * train in a worker → re-project EVERY stored item (paired or not) with the new heads → hand the new
 * version (heads bytes, embeddings, metrics) to the store in one commit → rebuild indexes → switch.
 *
 * Written against `FineTuneLibraryPort`, the small surface the library store must offer (store/vector
 * owners implement it; SQL stays in main/engine/store). Safety by construction: nothing is written until
 * training and re-projection are complete, the commit is one transaction, and the active version only
 * changes after the indexes are built — a kill or cancel at any earlier point leaves the current version
 * exactly as it was.
 *
 * Example:
 *   const r = await fineTuneLibrary(port, { epochs: 5 }, { onProgress, signal });
 *   console.log(r.version.name, r.before.t2i.r1, '→', r.after.t2i.r1);
 */
import { type CuratedPair, pairStateFromReview } from './curated-pairs';
import { type FineTuneHooks, type FineTuneInput, type FineTuneResult } from './fine-tune';
import { FineTuneError } from './fine-tune-error';
import type { FineTuneOptions } from './fine-tune-options';
import { type HeadsFile, serializeHeadsFile } from './heads-file';
import type { RecallReport } from './recall';
import { reprojectEmbeddings } from './reproject';

export type ReviewState = 'unreviewed' | 'accepted' | 'corrected' | 'rejected';

export interface LibraryPair {
  mediaId: number;
  captionId: number;
  review: ReviewState;
  /** Image/product/concept identity; the media id when the library knows nothing better. */
  group: string | number;
}

export interface ModelVersionRef {
  id: number;
  name: string;
}

export interface NewModelVersion {
  name: string;
  parentId: number;
  heads: Uint8Array;
  metrics: {
    before: RecallReport;
    after: RecallReport;
    heldOutPairs: number;
    trainPairs: number;
    seconds: number;
    options: FineTuneOptions;
  };
  /** Embeddings of every stored item under the new heads, keyed by media / caption id. */
  images: Map<number, Float32Array>;
  texts: Map<number, Float32Array>;
}

/** What the library store offers the fine-tune. */
export interface FineTuneLibraryPort {
  activeVersion(): ModelVersionRef;
  /** The active version's heads (bundle heads.safetensors for the bundle's version). */
  heads(version: ModelVersionRef): HeadsFile;
  pairs(): LibraryPair[];
  /** CLS features of every stored image / caption (encoders are frozen: shared by all versions). */
  imageFeatures(): Map<number, Float32Array>;
  captionFeatures(): Map<number, Float32Array>;
  /** One transaction: the version row, its heads and all its embeddings. */
  commitVersion(v: NewModelVersion): ModelVersionRef;
  /** Builds and stores the version's search graphs (the real port does it in worker threads). */
  rebuildIndexes(version: ModelVersionRef): void | Promise<void>;
  /** Atomic switch of the version searches use (also how rollback works). */
  activate(version: ModelVersionRef): void;
}

export type Trainer = (
  input: FineTuneInput,
  options: Partial<FineTuneOptions>,
  hooks: FineTuneHooks,
) => Promise<FineTuneResult>;

export interface LibraryFineTuneResult {
  version: ModelVersionRef;
  previous: ModelVersionRef;
  before: RecallReport;
  after: RecallReport;
  lossCurve: FineTuneResult['lossCurve'];
  /** Pairs left out because an image or caption has no cached feature yet (still embedding, or failed). */
  skippedPairs: number;
  seconds: { train: number; reproject: number; commit: number; index: number };
}

function pack(
  features: Map<number, Float32Array>,
  what: string,
): { data: Float32Array; width: number; row: Map<number, number>; ids: number[] } {
  const ids = [...features.keys()];
  const width = ids.length ? features.get(ids[0]!)!.length : 0;
  const data = new Float32Array(ids.length * width);
  const row = new Map<number, number>();
  ids.forEach((id, i) => {
    const f = features.get(id)!;
    if (f.length !== width)
      throw new FineTuneError('bad-input', `${what} feature of id ${id} has ${f.length} values, others ${width}`);
    data.set(f, i * width);
    row.set(id, i);
  });
  return { data, width, row, ids };
}

export async function fineTuneLibrary(
  port: FineTuneLibraryPort,
  trainer: Trainer,
  options: Partial<FineTuneOptions> = {},
  hooks: FineTuneHooks = {},
): Promise<LibraryFineTuneResult> {
  const previous = port.activeVersion();
  const headsFile = port.heads(previous);
  const images = pack(port.imageFeatures(), 'image');
  const captions = pack(port.captionFeatures(), 'caption');
  const pairs: CuratedPair[] = [];
  let skippedPairs = 0;
  for (const p of port.pairs()) {
    const imageIndex = images.row.get(p.mediaId);
    const captionIndex = captions.row.get(p.captionId);
    if (imageIndex === undefined || captionIndex === undefined) skippedPairs++;
    else pairs.push({ imageIndex, captionIndex, group: p.group, state: pairStateFromReview(p.review) });
  }
  let t0 = performance.now();
  const result = await trainer(
    {
      imageFeatures: images.data,
      imageWidth: images.width,
      captionFeatures: captions.data,
      captionWidth: captions.width,
      pairs,
      base: headsFile.heads,
    },
    options,
    hooks,
  );
  const train = (performance.now() - t0) / 1000;
  const cancelled = () => {
    if (hooks.signal?.aborted)
      throw new FineTuneError('cancelled', 'Fine-tune cancelled; the current model version is unchanged.');
  };
  cancelled();

  t0 = performance.now();
  const emb =
    result.reprojected ??
    reprojectEmbeddings(result.heads, {
      imageFeatures: images.data,
      imageWidth: images.width,
      captionFeatures: captions.data,
      captionWidth: captions.width,
    });
  const rows = (ids: number[], data: Float32Array) =>
    new Map(ids.map((id, i) => [id, data.subarray(i * emb.dim, (i + 1) * emb.dim)]));
  const reproject = (performance.now() - t0) / 1000;
  cancelled();

  t0 = performance.now();
  const heads = serializeHeadsFile(
    { heads: result.heads, momentum: result.momentumHeads, extra: headsFile.extra },
    { parent: previous.name },
  );
  const version = port.commitVersion({
    name: `${previous.name.replace(/\+ft\d+$/, '')}+ft${Date.now()}`,
    parentId: previous.id,
    heads,
    metrics: {
      before: result.before,
      after: result.after,
      heldOutPairs: result.counts.heldOutPairs,
      trainPairs: result.counts.trainPairs,
      seconds: result.seconds,
      options: result.options,
    },
    images: rows(images.ids, emb.images),
    texts: rows(captions.ids, emb.texts),
  });
  const commit = (performance.now() - t0) / 1000;
  t0 = performance.now();
  await port.rebuildIndexes(version);
  cancelled();
  port.activate(version);
  const index = (performance.now() - t0) / 1000;
  return {
    version,
    previous,
    before: result.before,
    after: result.after,
    lossCurve: result.lossCurve,
    skippedPairs,
    seconds: { train, reproject, commit, index },
  };
}
