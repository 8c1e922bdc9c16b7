/**
 * The commit step of the ingest pipeline (media-pipeline.ts): one prepared batch becomes rows — media, image and
 * caption vectors with their CLS features, captions, per-file errors — and the job's cursor, in ONE transaction
 * (ctx.commit). Returns the vectors to add to the indexes once the transaction has committed.
 */
import type { JobContext } from '../jobs/job-runner';
import type { LibraryStore } from '../store/library-store';
import type { Prepared } from './media-prepare';
import { itemKey, type CaptionToImport, type ImportCursor, type PipelineDeps, type WorkItem } from './media-pipeline';
import { displayPath } from './path-key';

export interface Segment {
  prepared: { item: WorkItem; result: Prepared | null }[];
  end: number;
  decoded: number;
}

export function captionsToEmbed(store: LibraryStore, seg: Segment): CaptionToImport[] {
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

export function commitSegment(
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
