/** Handlers of `finetune.*` and `versions.*` (issue #10) over the open library's LibraryModelVersions. */
import { ApiError, type ApiHandlers } from '../api';
import type { AppContext } from '../app-context';

type Names = 'finetune.start' | 'finetune.cancel' | 'versions.list' | 'versions.rollback';

export function createVersionHandlers(ctx: AppContext): Pick<ApiHandlers, Names> {
  const versions = () => {
    if (!ctx.versions) throw new ApiError('library_not_open', 'No library is open: open or import a library first');
    return ctx.versions;
  };
  const active = (id: number) =>
    versions()
      .list()
      .find((v) => v.id === id)!;
  return {
    'finetune.start': (input) => ({ jobId: versions().startFineTune(input) }),
    'finetune.cancel': (input) => ({ cancelled: versions().cancel(input.jobId) }),
    'versions.list': () => ({ versions: versions().list() }),
    'versions.rollback': (input) => {
      try {
        return { active: active(versions().rollback(input.version).id) };
      } catch (error) {
        const e = error as { name?: unknown; code?: unknown; message?: unknown };
        if (e?.name === 'FineTuneError') throw new ApiError('unknown_version', String(e.message), 'input.version');
        throw error;
      }
    },
  };
}
