/**
 * Export of pairs with corrections applied and review state (issue #7): JSONL, CSV, COCO captions, ALBEF json.
 * `caption` is the current text (after corrections); `original_caption` is the imported one when they differ;
 * `review_state` is unreviewed | accepted | corrected | rejected. Image paths are written relative to the
 * output file's folder when the image lies below it, absolute otherwise. The file is written to a temporary
 * name and renamed, so a reader never sees half an export.
 *
 * @example await exportPairs(store, { format: 'jsonl', out: 'curated.jsonl', skipRejected: true })
 */
import { rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative } from 'node:path';
import type { ExportPair } from '../store/ingest-queries';
import type { LibraryStore } from '../store/library-store';
import { displayPath } from './path-key';

export type ExportFormat = 'jsonl' | 'csv' | 'coco' | 'albef';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'csv', 'coco', 'albef'];

export interface ExportOptions {
  format: ExportFormat;
  out: string;
  skipRejected?: boolean;
}

function csvField(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function exportPairs(
  store: LibraryStore,
  options: ExportOptions,
): Promise<{ pairs: number; images: number }> {
  const base = dirname(options.out);
  const imagePath = (p: ExportPair): string => {
    const shown = displayPath(p.path);
    const rel = relative(base, shown);
    return rel.startsWith('..') || isAbsolute(rel) ? shown : rel;
  };
  const pairs = [...store.ingest.exportPairs()].filter((p) => !(options.skipRejected && p.reviewState === 'rejected'));
  const record = (p: ExportPair) => ({
    image: imagePath(p),
    caption: p.currentText,
    ...(p.currentText !== p.text ? { original_caption: p.text } : {}),
    review_state: p.reviewState,
    id: String(p.captionId),
    source: p.source,
  });
  let text: string;
  switch (options.format) {
    case 'jsonl':
      text = pairs.map((p) => JSON.stringify(record(p))).join('\n') + (pairs.length ? '\n' : '');
      break;
    case 'csv':
      text =
        [
          'id,image,caption,original_caption,review_state,source',
          ...pairs.map((p) =>
            [p.captionId, imagePath(p), p.currentText, p.text, p.reviewState, p.source].map(csvField).join(','),
          ),
        ].join('\r\n') + '\r\n';
      break;
    case 'albef':
      text =
        JSON.stringify(
          pairs.map((p) => ({ image: imagePath(p), caption: p.currentText, review_state: p.reviewState })),
          null,
          1,
        ) + '\n';
      break;
    case 'coco': {
      const images = new Map<number, { id: number; file_name: string; width: number | null; height: number | null }>();
      for (const p of pairs)
        if (!images.has(p.mediaId))
          images.set(p.mediaId, { id: p.mediaId, file_name: imagePath(p), width: p.width, height: p.height });
      const annotations = pairs.map((p) => ({
        id: p.captionId,
        image_id: p.mediaId,
        caption: p.currentText,
        review_state: p.reviewState,
        ...(p.currentText !== p.text ? { original_caption: p.text } : {}),
      }));
      text =
        JSON.stringify(
          { info: { description: 'Pairscope export' }, images: [...images.values()], annotations },
          null,
          1,
        ) + '\n';
      break;
    }
  }
  const tmp = `${options.out}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, options.out);
  return { pairs: pairs.length, images: new Set(pairs.map((p) => p.mediaId)).size };
}
