/**
 * The ingest pipeline shared by folder and pairs imports (DESIGN §3, issue #7):
 *   items → prepare (read, sniff, hash, skip known, decode once → thumbnails + model pixels)
 *         → embed in batches, the next batch decoding while the model runs the current one
 *         → one transaction per batch (media, vectors, captions, errors, job cursor) → index add.
 * Items are processed in a fixed order and the job cursor is the position after the last committed batch, so
 * a killed import resumes where it stopped; rows are keyed (media by path, captions by media+source+text,
 * vectors by model version+owner), so the one batch that may be redone changes nothing.
 */
import type { JobContext } from '../jobs/job-runner';
import { normaliseInto } from '../model/preprocess';
import type { IngestIndex, IngestModel } from './ingest-model';
import { captionsToEmbed, commitSegment, type Segment } from './batch-commit';
import { prepareFile, type FileRef, type PrepareDeps, type Prepared } from './media-prepare';
import { displayPath } from './path-key';

export interface CaptionToImport {
  text: string;
  source: string;
  line: number | null;
}

export type WorkItem =
  { kind: 'file'; file: FileRef; captions?: CaptionToImport[] } | { kind: 'problem'; path: string; reason: string };

export interface ImportCounts {
  /** Files decoded and embedded. */
  imported: number;
  /** Files whose content was already embedded (moved, renamed, duplicate): no re-embedding. */
  reused: number;
  /** Files already in the library unchanged. */
  skipped: number;
  failed: number;
  /** Files that are not images and do not claim to be (README.txt in a photo folder). */
  ignored: number;
  pairsImported: number;
  pairsSkipped: number;
}

export interface ImportCursor {
  position: number;
  /** Key of the item at position − 1, to check that a resumed walk lines up with the interrupted one. */
  lastKey?: string;
  counts: ImportCounts;
}

export function itemKey(item: WorkItem): string {
  return item.kind === 'file' ? item.file.key : item.path;
}

export interface PipelineDeps extends Omit<PrepareDeps, 'pendingHashes'> {
  model: IngestModel;
  imageIndex?: IngestIndex;
  textIndex?: IngestIndex;
  batchSize: number;
  /** Files prepared concurrently (libvips decodes on the libuv pool). */
  concurrency: number;
  /** The library's own files and cache: never imported, even when they sit inside an imported folder. */
  ownPaths: string[];
}

export interface PipelineTiming {
  wallMs: number;
  /** Time the model spent in embed calls (its busy fraction = modelMs / wallMs). */
  modelMs: number;
  embeddedImages: number;
}

export function emptyCounts(): ImportCounts {
  return { imported: 0, reused: 0, skipped: 0, failed: 0, ignored: 0, pairsImported: 0, pairsSkipped: 0 };
}

export function parseCursor(cursor: string | null): ImportCursor {
  if (!cursor) return { position: 0, counts: emptyCounts() };
  const c = JSON.parse(cursor) as ImportCursor;
  return {
    position: c.position,
    ...(c.lastKey !== undefined ? { lastKey: c.lastKey } : {}),
    counts: { ...emptyCounts(), ...c.counts },
  };
}

export async function runMediaPipeline(
  ctx: JobContext,
  items: WorkItem[],
  deps: PipelineDeps,
): Promise<PipelineTiming> {
  const start = Date.now();
  const timing: PipelineTiming = { wallMs: 0, modelMs: 0, embeddedImages: 0 };
  const cursor = parseCursor(ctx.cursor);
  const pendingHashes = new Set<string>();
  const prepareDeps: PrepareDeps = { ...deps, pendingHashes };
  const R = deps.model.imageSpec.resolution;
  ctx.setTotal(items.length);

  // Resume after the last committed item. If the folder changed so that the item list no longer lines up,
  // find that item by key, or start over: every step is idempotent, so starting over costs time, not rows.
  let next = cursor.position;
  if (next > 0 && (next > items.length || itemKey(items[next - 1]!) !== cursor.lastKey)) {
    const at = cursor.lastKey === undefined ? -1 : items.findIndex((it) => itemKey(it) === cursor.lastKey);
    next = at + 1;
  }
  const prepareSegment = async (): Promise<Segment | null> => {
    if (next >= items.length || ctx.signal.aborted) return null;
    const seg: Segment = { prepared: [], end: next, decoded: 0 };
    // Bounded by decoded images (one model batch) and by items (so cheap skips still commit often).
    while (
      seg.end < items.length &&
      seg.decoded < deps.batchSize &&
      seg.prepared.length < 4 * deps.batchSize &&
      !ctx.signal.aborted
    ) {
      const slice = items.slice(seg.end, seg.end + Math.min(deps.concurrency, deps.batchSize - seg.decoded));
      const results = await Promise.all(
        slice.map((item) => (item.kind === 'file' ? prepareFile(item.file, prepareDeps) : Promise.resolve(null))),
      );
      slice.forEach((item, i) => {
        seg.prepared.push({ item, result: results[i]! });
        if (results[i]?.kind === 'decoded') seg.decoded++;
      });
      seg.end += slice.length;
      const last = slice[slice.length - 1];
      ctx.progress(seg.end, last ? (last.kind === 'file' ? displayPath(last.file.key) : last.path) : null);
    }
    next = seg.end;
    return seg;
  };

  let upcoming = prepareSegment();
  for (;;) {
    const seg = await upcoming;
    if (!seg || ctx.signal.aborted) break;
    upcoming = prepareSegment(); // decode the next batch while the model runs this one
    const decoded = seg.prepared
      .filter((p) => p.result?.kind === 'decoded')
      .map((p) => p.result as Extract<Prepared, { kind: 'decoded' }>);
    let images = { embeddings: [] as Float32Array[], features: [] as Float32Array[] };
    if (decoded.length > 0) {
      const pixels = new Float32Array(decoded.length * 3 * R * R);
      decoded.forEach((d, i) => normaliseInto(d.rgb, deps.model.imageSpec, pixels, i));
      const t0 = Date.now();
      images = await deps.model.embedImagePixels(pixels, decoded.length);
      timing.modelMs += Date.now() - t0;
      timing.embeddedImages += decoded.length;
    }
    const newCaptions = captionsToEmbed(deps.store, seg);
    let texts = { embeddings: [] as Float32Array[], features: [] as Float32Array[] };
    if (newCaptions.length > 0 && deps.model.embedTexts) {
      const t0 = Date.now();
      texts = await deps.model.embedTexts(newCaptions.map((c) => c.text));
      timing.modelMs += Date.now() - t0;
    }
    // If the job was cancelled while the model ran, this batch is still committed: the work is done and valid.
    const added = commitSegment(ctx, seg, cursor, deps, images, new Map(newCaptions.map((c, i) => [c, i])), texts);
    for (const d of decoded) pendingHashes.delete(d.hash);
    for (const a of added.image) deps.imageIndex?.add(a.label, a.vector);
    for (const a of added.text) deps.textIndex?.add(a.label, a.vector);
  }
  await upcoming.catch(() => null);
  timing.wallMs = Date.now() - start;
  return timing;
}
