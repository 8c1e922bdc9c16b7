/** Handlers of the `import.*` and `jobs.*` methods (main/api.ts) over the library's LibraryIngest (main/engine/ingest). */
import { stat } from 'node:fs/promises';
import { ApiError, type ApiHandlers, type MethodOutput } from '../api';
import type { AppContext } from '../app-context';

type Names = 'import.folder' | 'import.pairs' | 'jobs.list' | 'jobs.get' | 'jobs.cancel';

export function createIngestHandlers(ctx: AppContext): Pick<ApiHandlers, Names> {
  const ingest = () => {
    if (!ctx.ingest) throw new ApiError('library_not_open', 'No library is open: open or create a library first');
    return ctx.ingest;
  };
  const summary = (jobId: number): MethodOutput<'jobs.get'> => {
    let s;
    try {
      s = ingest().summary(jobId);
    } catch {
      throw new ApiError('not_found', `no job ${jobId}`, 'input.jobId');
    }
    const { jobId: _id, kind, state, done, total, createdAt, updatedAt, failedFiles, error, ...counts } = s;
    const e = error as { name?: unknown; code?: unknown; message?: unknown } | null;
    return {
      jobId,
      kind,
      state,
      done,
      total,
      errors: failedFiles.length,
      counts,
      createdAt,
      updatedAt,
      failedFiles,
      error: e
        ? { name: String(e.name ?? 'Error'), code: String(e.code ?? 'JOB_FAILED'), message: String(e.message ?? '') }
        : null,
    };
  };
  const isDir = async (p: string, field: string): Promise<void> => {
    const s = await stat(p).catch(() => null);
    if (!s) throw new ApiError('not_found', `${p} does not exist`, field);
    if (!s.isDirectory()) throw new ApiError('bad_request', `${p} is not a folder`, field);
  };
  return {
    'import.folder': async ({ root }) => {
      const i = ingest();
      await isDir(root, 'input.root');
      return { jobId: i.importFolder(root) };
    },
    'import.pairs': async ({ file, roots }) => {
      const i = ingest();
      const s = await stat(file).catch(() => null);
      if (!s?.isFile()) throw new ApiError('not_found', `${file} is not a readable file`, 'input.file');
      for (const [i, r] of (roots ?? []).entries()) await isDir(r, `input.roots.${i}`);
      return { jobId: i.importPairs(file, roots) };
    },
    'jobs.list': ({ limit }) => ({
      jobs: ingest()
        .runner.list(limit ?? 50)
        .map((j) => {
          const { failedFiles: _f, error: _e, ...rest } = summary(j.id);
          return rest;
        }),
    }),
    'jobs.get': ({ jobId }) => summary(jobId),
    'jobs.cancel': ({ jobId }) => ({ cancelled: ingest().runner.cancel(jobId) }),
  };
}
