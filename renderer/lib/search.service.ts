/** Search actions (issue #8): text, dropped/pasted image, "more like this", both combined; cut-off and filters. */
import type { MethodInput } from '../../main/api';
import { browse } from './library.service';
import type { PhotoContext } from './photo-context';
import type { SavedSearch } from './library-state.svelte';
import { handleError } from './handle-error';

const RESULT_LIMIT = 500;

function imageInput(ctx: PhotoContext): MethodInput<'search.query'>['image'] {
  const image = ctx.search.image;
  if (!image) return undefined;
  return image.kind === 'bytes'
    ? { bytesBase64: image.bytesBase64, name: image.name }
    : { libraryPath: image.libraryPath };
}

/** Runs the current query, or goes back to browsing when there is none. */
export async function runSearch(ctx: PhotoContext): Promise<void> {
  const { search, grid, lightbox } = ctx;
  if (!search.active) return browse(ctx);
  const serial = ++search.serial;
  if (!search.cutoffChosen) search.minScore = search.defaultCutoff;
  const text = search.text.trim();
  const image = imageInput(ctx);
  const base = {
    ...(text ? { text } : {}),
    ...(image ? { image } : {}),
    filter: search.filter,
  };
  search.busy = true;
  try {
    const [result, captions] = await Promise.all([
      ctx.client.call('search.query', { ...base, limit: RESULT_LIMIT, minScore: search.minScore }),
      // Image → text: only an image query has "captions that fit it".
      image && !text
        ? ctx.client.call('search.query', { image, target: 'captions', limit: 8, filter: search.filter })
        : Promise.resolve(null),
    ]);
    if (serial !== search.serial) return;
    const [pairCaptions, best] = await Promise.all([
      captionsOf(ctx, result.items),
      // "No good match" says how close the best result came, so the person knows how far to lower the cut-off.
      result.noGoodMatch
        ? ctx.client.call('search.query', { ...base, limit: 1, minScore: -1 }).then(
            (r) => r.items[0]?.score ?? null,
            () => null,
          )
        : Promise.resolve(null),
    ]);
    if (serial !== search.serial) return;
    search.bestScore = best;
    search.result = result;
    search.captions = captions?.items ?? [];
    lightbox.index = null;
    grid.showResults(
      result.items.map((h) => ({
        mediaId: h.mediaId,
        path: h.path,
        caption: h.text ?? pairCaptions.get(h.mediaId) ?? null,
        score: h.score,
      })),
    );
    ctx.app.notice = null;
  } catch (error) {
    if (serial === search.serial) handleError(ctx.app, 'Search failed', error);
  } finally {
    if (serial === search.serial) search.busy = false;
  }
}

/**
 * Image hits carry no text: their pair's caption (the grid's, when the photo has one) is looked up in one call so
 * results read as captions, not file names. A failure leaves file names (the search itself still shows).
 */
async function captionsOf(ctx: PhotoContext, hits: ReadonlyArray<{ mediaId: number; text?: string }>) {
  const ids = [...new Set(hits.filter((h) => h.text === undefined).map((h) => h.mediaId))];
  const out = new Map<number, string>();
  if (ids.length === 0) return out;
  try {
    const { items } = await ctx.client.call('media.items', { mediaIds: ids });
    for (const i of items) if (i.caption !== null) out.set(i.mediaId, i.caption);
  } catch {
    // File names stand in; the search result is still right.
  }
  return out;
}

/** A dropped or pasted image file becomes the query image (sent as bytes; nothing is uploaded anywhere else). */
export async function useImageFile(ctx: PhotoContext, file: File): Promise<void> {
  if (!file.type.startsWith('image/')) {
    ctx.app.notice = `“${file.name}” is not an image; drop a JPEG, PNG or WebP photo to search by image.`;
    return;
  }
  const bytesBase64 = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error(`could not read ${file.name}`));
    reader.readAsDataURL(file);
  });
  clearImage(ctx);
  ctx.search.image = {
    kind: 'bytes',
    name: file.name || 'pasted image',
    bytesBase64,
    previewUrl: URL.createObjectURL(file),
  };
  await runSearch(ctx);
}

/** "More like this": a library photo becomes the query image. */
export async function moreLikeThis(ctx: PhotoContext, item: { mediaId: number; path: string }): Promise<void> {
  clearImage(ctx);
  ctx.search.text = '';
  ctx.search.image = { kind: 'library', name: fileName(item.path), libraryPath: item.path, mediaId: item.mediaId };
  await runSearch(ctx);
}

export function clearImage(ctx: PhotoContext): void {
  const image = ctx.search.image;
  if (image?.kind === 'bytes') URL.revokeObjectURL(image.previewUrl);
  ctx.search.image = null;
}

export async function clearSearch(ctx: PhotoContext): Promise<void> {
  clearImage(ctx);
  ctx.search.text = '';
  ctx.search.cutoffChosen = false;
  await browse(ctx);
}

export async function applySavedSearch(ctx: PhotoContext, saved: SavedSearch): Promise<void> {
  clearImage(ctx);
  ctx.search.text = saved.text ?? '';
  if (saved.minScore !== undefined) {
    ctx.search.minScore = saved.minScore;
    ctx.search.cutoffChosen = true;
  }
  ctx.search.filter = saved.filter ?? {};
  await runSearch(ctx);
}

export function fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}
