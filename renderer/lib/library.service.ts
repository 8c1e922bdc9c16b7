/** Browsing actions (issue #8): load the sidebar, page the grid, saved searches. Components call these, never the client. */
import type { PhotoContext } from './photo-context';
import { PAGE_SIZE } from './photo-grid-state.svelte';
import type { SavedSearch } from './library-state.svelte';
import { handleError, isNotOpen } from './handle-error';

/**
 * Sidebar facts and the first page of the grid; marks the library unavailable when the host has none open.
 * `refresh` keeps the grid's focus and scroll (a background job changed the library under the person).
 * The first page is asked for first and shown as soon as it comes: the host answers in order, and the sidebar's
 * overview (folder counts: ~0.3 s at 100,000 photos on a cold cache) must not hold back the first thumbnails.
 */
export async function loadLibrary(ctx: PhotoContext, refresh = false): Promise<void> {
  const page = ctx.search.active ? null : firstPage(ctx);
  const shown = page?.then((p) => showFirstPage(ctx, p, refresh)).catch(() => undefined); // reported below
  try {
    const [overview, saved] = await Promise.all([
      ctx.client.call('library.overview', {}),
      ctx.client.call('searches.list', {}),
    ]);
    ctx.library.overview = overview;
    ctx.library.saved = saved.searches;
    ctx.library.available = true;
    await shown;
    if (page) await page; // a failed first page is reported once, here
  } catch (error) {
    if (isNotOpen(error)) ctx.library.available = false;
    else handleError(ctx.app, 'Loading the library failed', error);
  }
}

function firstPage(ctx: PhotoContext) {
  return ctx.client.call('media.list', { filter: ctx.search.filter, offset: 0, limit: PAGE_SIZE });
}

function showFirstPage(ctx: PhotoContext, first: Awaited<ReturnType<typeof firstPage>>, refresh: boolean): void {
  ctx.search.result = null;
  ctx.search.captions = [];
  if (refresh && ctx.grid.mode === 'browse') ctx.grid.refreshBrowse(first.total);
  else ctx.grid.resetBrowse(first.total);
  ctx.grid.claimPages(0, PAGE_SIZE);
  ctx.grid.putPage(0, first.items);
}

/** Shows every photo that passes the filters, newest first (no query); `refresh` keeps focus and scroll. */
export async function browse(ctx: PhotoContext, refresh = false): Promise<void> {
  try {
    showFirstPage(ctx, await firstPage(ctx), refresh);
  } catch (error) {
    handleError(ctx.app, 'Listing photos failed', error);
  }
}

/** Loads the pages a visible range needs (the virtual grid calls this as it scrolls). */
export async function loadRange(ctx: PhotoContext, from: number, to: number): Promise<void> {
  const { grid } = ctx;
  const generation = grid.generation;
  await Promise.all(
    grid.claimPages(from, to).map(async (page) => {
      try {
        const r = await ctx.client.call('media.list', {
          filter: ctx.search.filter,
          offset: page * PAGE_SIZE,
          limit: PAGE_SIZE,
        });
        if (grid.generation === generation) grid.putPage(page, r.items);
      } catch (error) {
        grid.releasePage(page);
        handleError(ctx.app, 'Loading photos failed', error);
      }
    }),
  );
}

export async function saveCurrentSearch(ctx: PhotoContext, name: string): Promise<void> {
  const { search } = ctx;
  const entry: SavedSearch = { name, minScore: search.minScore, filter: search.filter };
  if (search.text.trim()) entry.text = search.text.trim();
  try {
    ctx.library.saved = (await ctx.client.call('searches.save', entry)).searches;
  } catch (error) {
    handleError(ctx.app, 'Saving the search failed', error);
  }
}

export async function removeSavedSearch(ctx: PhotoContext, name: string): Promise<void> {
  try {
    ctx.library.saved = (await ctx.client.call('searches.remove', { name })).searches;
  } catch (error) {
    handleError(ctx.app, 'Removing the saved search failed', error);
  }
}
