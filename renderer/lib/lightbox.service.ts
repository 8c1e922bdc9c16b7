/** Lightbox actions (issue #8): open a grid index, step with the arrow keys, load the photo's details. */
import type { PhotoContext } from './photo-context';
import { handleError } from './handle-error';

export async function openLightbox(ctx: PhotoContext, index: number): Promise<void> {
  const item = ctx.grid.at(index);
  if (!item) return;
  ctx.lightbox.index = index;
  ctx.grid.focused = index;
  ctx.lightbox.loading = true;
  try {
    const detail = await ctx.client.call('media.get', { mediaId: item.mediaId });
    if (ctx.lightbox.index === index) ctx.lightbox.detail = detail;
  } catch (error) {
    handleError(ctx.app, 'Opening the photo failed', error);
  } finally {
    if (ctx.lightbox.index === index) ctx.lightbox.loading = false;
  }
}

export function stepLightbox(ctx: PhotoContext, delta: number): Promise<void> {
  const next = (ctx.lightbox.index ?? 0) + delta;
  if (next < 0 || next >= ctx.grid.total) return Promise.resolve();
  return openLightbox(ctx, next);
}

export function closeLightbox(ctx: PhotoContext): void {
  ctx.lightbox.index = null;
  ctx.lightbox.detail = null;
}
