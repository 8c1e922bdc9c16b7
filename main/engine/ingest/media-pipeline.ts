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
import type { LibraryStore } from '../store/library-store';
import type { IngestIndex, IngestModel } from './ingest-model';
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

interface Segment {
  prepared: { item: WorkItem; result: Prepared | null }[];
  end: number;
  decoded: number;
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

function captionsToEmbed(store: LibraryStore, seg: Segment): CaptionToImport[] {
  const out: CaptionToImport[] = [];
  for (const { item, result } of seg.prepared) {
    if (item.kind !== 'file' || !item.captions || !result || result.kind === 'failed' || result.kind === 'ignored')
      continue;
    const existing = store.media.byPath(item.file.key);
    const have = new Set(existing ? store.captions.forMedia(existing.id).map((c) => `${c.source}\0${c.text}`) : []);
    for (const c of item.captions) if (!have.has(`${c.source}\0${c.text}`)) out.push(c);
  }
  return out;
}

function commitSegment(
  ctx: JobContext,
  seg: Segment,
  cursor: ImportCursor,
  deps: PipelineDeps,
  images: { embeddings: Float32Array[]; features: Float32Array[] },
  captionIndex: Map<CaptionToImport, number>,
  texts: { embeddings: Float32Array[]; features: Float32Array[] },
): { image: { label: number; vector: Float32Array }[]; text: { label: number; vector: Float32Array }[] } {
  const { store, modelVersionId: mv } = deps;
  const counts = { ...cursor.counts };
  const added = {
    image: [] as { label: number; vector: Float32Array }[],
    text: [] as { label: number; vector: Float32Array }[],
  };
  let decodedIndex = 0;
  const byHash = new Map<string, number>();
  ctx.commit(seg.end, () => {
    for (const { item, result } of seg.prepared) {
      if (item.kind === 'problem') {
        ctx.reportError(item.path, item.reason);
        counts.failed++;
        continue;
      }
      const r = result!;
      const f = item.file;
      let mediaId: number | null = null;
      switch (r.kind) {
        case 'known':
          counts.skipped++;
          mediaId = r.mediaId;
          break;
        case 'ignored':
          counts.ignored++;
          break;
        case 'failed':
          counts.failed++;
          ctx.reportError(displayPath(f.key), r.reason);
          break;
        case 'touched': {
          const m = store.media.byId(r.mediaId)!;
          store.media.upsert({ ...m, size: f.size, mtimeMs: f.mtimeMs });
          counts.skipped++;
          mediaId = r.mediaId;
          break;
        }
        case 'reuse':
        case 'reuse-pending': {
          const fromId =
            r.kind === 'reuse' ? r.fromMediaId : (byHash.get(r.hash) ?? store.ingest.embeddedMediaWithHash(mv, r.hash));
          const src = fromId === undefined ? undefined : store.media.byId(fromId);
          if (!src) {
            counts.failed++;
            ctx.reportError(displayPath(f.key), 'its content failed to import under another name in the same batch');
            break;
          }
          if (r.kind === 'reuse' && r.move) {
            store.ingest.renameMedia(src.id, f.key, f.root, f.mtimeMs);
            mediaId = src.id;
          } else {
            mediaId = store.media.upsert({ ...src, path: f.key, root: f.root, size: f.size, mtimeMs: f.mtimeMs });
            const label = store.vectors.imageLabelForPath(mv, src.path)!;
            const vector = store.vectors.byLabels([label])[0]!.vector;
            const up = store.vectors.upsertImage(mv, mediaId, vector);
            const feature = store.vectors.feature(mv, { mediaId: src.id });
            if (feature) store.vectors.upsertFeature(mv, { mediaId }, feature);
            if (up.changed) added.image.push({ label: up.label, vector });
          }
          counts.reused++;
          break;
        }
        case 'decoded': {
          const i = decodedIndex++;
          const taken = r.exif.takenAt ? Date.parse(`${r.exif.takenAt}Z`) : null;
          mediaId = store.media.upsert({
            path: f.key,
            root: f.root,
            contentHash: r.hash,
            size: f.size,
            mtimeMs: f.mtimeMs,
            kind: r.format,
            width: r.width,
            height: r.height,
            takenAt: taken,
            camera: r.exif.camera ?? null,
            gpsLat: r.exif.gps?.lat ?? null,
            gpsLon: r.exif.gps?.lon ?? null,
            thumbKey: r.hash,
          });
          const vector = images.embeddings[i]!;
          const up = store.vectors.upsertImage(mv, mediaId, vector);
          store.vectors.upsertFeature(mv, { mediaId }, images.features[i]!);
          if (up.changed) added.image.push({ label: up.label, vector });
          byHash.set(r.hash, mediaId);
          counts.imported++;
          break;
        }
      }
      if (mediaId !== null && item.captions) {
        const have = new Set(store.captions.forMedia(mediaId).map((c) => `${c.source}\0${c.text}`));
        for (const c of item.captions) {
          const isNew = !have.has(`${c.source}\0${c.text}`);
          const captionId = store.captions.upsert({ mediaId, source: c.source, sourceLine: c.line, text: c.text });
          have.add(`${c.source}\0${c.text}`);
          if (isNew) counts.pairsImported++;
          else counts.pairsSkipped++;
          const t = captionIndex.get(c);
          if (t !== undefined && texts.embeddings[t]) {
            const up = store.vectors.upsertText(mv, captionId, texts.embeddings[t]!);
            store.vectors.upsertFeature(mv, { captionId }, texts.features[t]!);
            if (up.changed) added.text.push({ label: up.label, vector: texts.embeddings[t]! });
          }
        }
      }
    }
    // The cursor written with this transaction carries the counts of this very batch.
    const cursorOut: ImportCursor = {
      position: seg.end,
      lastKey: itemKey(seg.prepared[seg.prepared.length - 1]!.item),
      counts,
    };
    return JSON.stringify(cursorOut);
  });
  cursor.position = seg.end;
  cursor.counts = counts;
  return added;
}
