/** Handlers of the `review.*` methods (main/api.ts) over the library's Curation (main/engine/curate). */
import { ApiError, type ApiHandlers } from '../api';
import type { AppContext } from '../app-context';

type Names = 'review.queue' | 'review.act' | 'review.undo' | 'review.bulk' | 'review.events' | 'review.rescore';

export function createReviewHandlers(ctx: AppContext): Pick<ApiHandlers, Names> {
  const curation = () => {
    if (!ctx.curation) throw new ApiError('library_not_open', 'No library is open: open or import a library first');
    return ctx.curation;
  };
  return {
    'review.queue': (input) => curation().queue(input),
    'review.act': async (input) => {
      if (input.action === 'suggestion' && input.suggestion === undefined)
        throw new ApiError('bad_request', 'action "suggestion" needs "suggestion": 1 to 5', 'input.suggestion');
      if (input.action === 'edit' && input.text === undefined)
        throw new ApiError('bad_request', 'action "edit" needs "text": the new caption', 'input.text');
      return { event: await guard(() => curation().act(input)) };
    },
    'review.undo': async ({ captionId }) => {
      const [event, undone] = await guard(() => curation().undo(captionId ?? null));
      return { event, undone };
    },
    'review.bulk': async ({ captionIds, action }) => ({
      events: await guard(async () => curation().bulk(captionIds, action)),
    }),
    'review.events': (input) => ({ events: curation().events(input) }),
    'review.rescore': () => ({ jobId: curation().rescore() }),
  };
}

/** CurationError / StoreError carry `{ code, message, field? }`; they cross the boundary with that code. */
async function guard<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const e = error as { name?: unknown; code?: unknown; message?: unknown; field?: unknown };
    if ((e?.name === 'CurationError' || e?.name === 'StoreError') && typeof e.code === 'string') {
      const field = typeof e.field === 'string' ? `input.${e.field}` : undefined;
      throw new ApiError(e.code.toLowerCase(), String(e.message), field);
    }
    throw error;
  }
}
