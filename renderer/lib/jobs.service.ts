/** Background jobs (issue #8 tray): import a folder, follow `job.progress`, refresh the library when one ends. */
import { loadLibrary } from './library.service';
import type { PhotoContext } from './photo-context';
import { runSearch } from './search.service';
import { handleError } from './handle-error';

/** Listens for job progress; a finished import refreshes the sidebar and the current view. */
export function watchJobs(ctx: PhotoContext): () => void {
  let refresh: ReturnType<typeof setTimeout> | null = null;
  const off = ctx.client.on('job.progress', (p) => {
    ctx.jobs.put(p);
    // Only imports change what the grid shows. New photos appear as batches commit, at most one reload per
    // 1.5 s, keeping the person's place; an open lightbox or a search result list is left alone until it closes.
    if (!p.kind.startsWith('import')) return;
    refresh ??= setTimeout(() => {
      refresh = null;
      if (ctx.lightbox.open) return;
      void loadLibrary(ctx, true).then(() => (ctx.search.active && p.state === 'done' ? runSearch(ctx) : undefined));
    }, 1500);
  });
  return () => {
    off();
    if (refresh) clearTimeout(refresh);
  };
}

export async function loadJobs(ctx: PhotoContext): Promise<void> {
  try {
    const { jobs } = await ctx.client.call('jobs.list', { limit: 5 });
    for (const j of jobs.reverse()) {
      ctx.jobs.put({
        jobId: j.jobId,
        kind: j.kind,
        state: j.state,
        done: j.done,
        total: j.total,
        rate: null,
        etaSeconds: null,
        currentFile: null,
        errors: j.errors,
      });
    }
  } catch {
    // No library open: the tray stays empty; the main area says what to do.
  }
}

/** Queues an import of `root` and shows it in the tray at once; throws what the host answered. */
export async function startFolderImport(ctx: PhotoContext, root: string): Promise<void> {
  const { jobId } = await ctx.client.call('import.folder', { root });
  ctx.jobs.put({
    jobId,
    kind: 'import-folder',
    state: 'queued',
    done: 0,
    total: null,
    rate: null,
    etaSeconds: null,
    currentFile: null,
    errors: 0,
  });
}

export async function importFolder(ctx: PhotoContext): Promise<void> {
  const root = ctx.jobs.importPath.trim();
  if (!root) {
    ctx.app.notice = 'Type the full path of a folder to import, e.g. /home/you/Pictures.';
    return;
  }
  try {
    await startFolderImport(ctx, root);
    ctx.jobs.importPath = '';
    ctx.app.notice = null;
  } catch (error) {
    handleError(ctx.app, 'Import failed to start', error);
  }
}

export async function cancelJob(ctx: PhotoContext, jobId: number): Promise<void> {
  try {
    await ctx.client.call('jobs.cancel', { jobId });
  } catch (error) {
    handleError(ctx.app, 'Cancelling the job failed', error);
  }
}
