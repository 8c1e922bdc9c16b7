import type { Embedder } from '../model/embedder';
import { distinctTexts, type ManifestRow, type Recalls } from '../model/retrieval-eval';
import type { LibraryStore } from '../store/library-store';
import type { LibrarySearch } from './library-search';

/**
 * Puts an eval manifest into a library exactly as ingest would (media + caption rows, the Embedder's
 * vectors), so that retrieval through the store can be compared with `pairscope eval` on the same rows
 * (issue #6: "the store adds no loss"). One media row per distinct image path; a caption row per (image, caption).
 */
export async function importManifest(
  store: LibraryStore,
  embedder: Embedder,
  modelVersionId: number,
  rows: readonly ManifestRow[],
): Promise<{ skipped: number }> {
  const images = [...new Map(rows.map((r) => [r.image, r])).values()];
  const imageResults = await embedder.embedImages(images.map((r) => r.image));
  const captionResults = await embedder.embedTexts(rows.map((r) => r.caption));
  let skipped = 0;
  store.transaction(() => {
    const mediaIds = new Map<string, number>();
    images.forEach((r, i) => {
      const res = imageResults[i]!;
      if (!res.ok) return void skipped++;
      const mediaId = store.media.upsert({
        path: r.image,
        root: '/',
        contentHash: `eval:${r.image}`,
        size: 0,
        mtimeMs: 0,
        kind: 'eval',
      });
      store.vectors.upsertImage(modelVersionId, mediaId, res.value.emb);
      mediaIds.set(r.image, mediaId);
    });
    rows.forEach((r, i) => {
      const mediaId = mediaIds.get(r.image);
      const res = captionResults[i]!;
      if (mediaId === undefined || !res.ok) return void skipped++;
      const captionId = store.captions.upsert({ mediaId, source: `eval:${r.id}`, sourceLine: r.line, text: r.caption });
      store.vectors.upsertText(modelVersionId, captionId, res.value.emb);
    });
  });
  return { skipped };
}

/**
 * R@1/5/10 through LibrarySearch, with `pairscope eval`'s protocol (retrieval-eval.ts): t2i over the distinct
 * (id, caption) texts against the images; i2t over the images against the captions; a hit is a result whose
 * row has the same id.
 */
export async function recallsThroughStore(
  search: LibrarySearch,
  rows: readonly ManifestRow[],
): Promise<{ t2i: Recalls; i2t: Recalls }> {
  const idsOfPath = new Map<string, Set<string>>();
  for (const r of rows) idsOfPath.set(r.image, (idsOfPath.get(r.image) ?? new Set()).add(r.id));
  const t2i = { r1: 0, r5: 0, r10: 0 };
  const texts = distinctTexts(rows);
  for (const t of texts) {
    const res = await search.search({ text: t.caption, limit: 10 });
    count(
      t2i,
      res.items.findIndex((h) => idsOfPath.get(h.path)?.has(t.id)),
    );
  }
  const i2t = { r1: 0, r5: 0, r10: 0 };
  const images = [...idsOfPath.keys()];
  const idOfCaptionText = new Map(rows.map((r) => [`${r.image}\u0000${r.caption}`, r.id]));
  for (const image of images) {
    const res = await search.search({ image: { libraryPath: image }, target: 'captions', limit: 10 });
    const own = idsOfPath.get(image)!;
    count(
      i2t,
      res.items.findIndex((h) => own.has(idOfCaptionText.get(`${h.path}\u0000${h.text}`) ?? '')),
    );
  }
  const frac = (r: typeof t2i, n: number): Recalls => ({ r1: r.r1 / n, r5: r.r5 / n, r10: r.r10 / n });
  return { t2i: frac(t2i, texts.length), i2t: frac(i2t, images.length) };
}

function count(acc: { r1: number; r5: number; r10: number }, rank: number): void {
  if (rank < 0) return;
  if (rank < 1) acc.r1++;
  if (rank < 5) acc.r5++;
  if (rank < 10) acc.r10++;
}
