/**
 * Review actions (issue #9): each is one API call that stores a correction event, then the queue is read again,
 * so the panel always shows what the library holds (the reviewed pair leaves the unreviewed queue, a skipped one
 * goes to its end, an undone one comes back at its place).
 */
import type { ApiClient } from '../lib/api-client';
import type { AppState } from '../lib/app-state.svelte';
import { handleError } from '../lib/handle-error';
import type { ReviewState } from './review-state.svelte';

export interface ReviewContext {
  client: ApiClient;
  app: AppState;
  review: ReviewState;
}

const PAGE = 50;

export async function loadQueue(ctx: ReviewContext): Promise<void> {
  ctx.review.loading = true;
  try {
    const q = await ctx.client.call('review.queue', { limit: PAGE });
    Object.assign(ctx.review, {
      entries: q.items,
      total: q.total,
      scored: q.scored,
      pairs: q.pairs,
      scoring: q.scoring,
    });
    const live = q.items.map((e) => e.captionId);
    ctx.review.selected = ctx.review.selected.filter((id) => live.includes(id));
  } catch (error) {
    handleError(ctx.app, 'Could not load the review queue', error);
  } finally {
    ctx.review.loading = false;
  }
}

async function run(ctx: ReviewContext, what: string, call: () => Promise<string>): Promise<void> {
  if (ctx.review.busy) return;
  ctx.review.busy = true;
  try {
    ctx.review.message = await call();
    await loadQueue(ctx);
  } catch (error) {
    handleError(ctx.app, what, error);
  } finally {
    ctx.review.busy = false;
  }
}

export function act(
  ctx: ReviewContext,
  action: 'confirm' | 'reject' | 'skip' | 'suggestion' | 'edit',
  extra: { suggestion?: number; text?: string } = {},
): Promise<void> {
  const entry = ctx.review.current;
  if (!entry) return Promise.resolve();
  if (action === 'suggestion' && !entry.suggestions[(extra.suggestion ?? 0) - 1]) return Promise.resolve();
  return run(ctx, 'Could not save the review', async () => {
    const { event } = await ctx.client.call('review.act', { captionId: entry.captionId, action, ...extra });
    ctx.review.editing = null;
    const verb = { accept: 'Confirmed', reject: 'Rejected', skip: 'Skipped', suggest: 'Replaced', edit: 'Edited' };
    return `${verb[event.action as keyof typeof verb] ?? event.action}: “${event.newText}”`;
  });
}

export function undo(ctx: ReviewContext): Promise<void> {
  return run(ctx, 'Could not undo', async () => {
    try {
      const { undone } = await ctx.client.call('review.undo', {});
      return `Undid ${undone.action} of “${undone.oldText}”`;
    } catch (error) {
      if ((error as { code?: string }).code === 'nothing_to_undo') return 'Nothing to undo';
      throw error;
    }
  });
}

export function bulk(ctx: ReviewContext, action: 'confirm' | 'reject'): Promise<void> {
  const ids = [...ctx.review.selected];
  if (ids.length === 0) return Promise.resolve();
  return run(ctx, 'Could not apply to the selection', async () => {
    const { events } = await ctx.client.call('review.bulk', { captionIds: ids, action });
    ctx.review.selected = [];
    return `${action === 'confirm' ? 'Confirmed' : 'Rejected'} ${events.length} pairs`;
  });
}

export function rescore(ctx: ReviewContext): Promise<void> {
  return run(ctx, 'Could not start scoring', async () => {
    await ctx.client.call('review.rescore', {});
    return 'Scoring every pair again…';
  });
}

export function toggleSelected(ctx: ReviewContext, captionId: number): void {
  const s = ctx.review.selected;
  ctx.review.selected = s.includes(captionId) ? s.filter((id) => id !== captionId) : [...s, captionId];
}
