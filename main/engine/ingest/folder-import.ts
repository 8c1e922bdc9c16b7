/**
 * The `import-folder` job (issue #7): walk a folder, import what is new or changed, re-point moved files,
 * reuse the embeddings of renamed or duplicate files, and drop rows of files that are gone (unless people
 * curated pairs on them: those rows are kept). Every bad file is reported with its reason.
 *
 * @example runner.register('import-folder', (ctx) => importFolderJob(ctx, deps).then(() => undefined))
 */
import { access, realpath } from 'node:fs/promises';
import type { JobContext } from '../jobs/job-runner';
import { runMediaPipeline, parseCursor, type PipelineDeps, type PipelineTiming, type WorkItem } from './media-pipeline';
import { displayPath, pathFromKey, pathKey } from './path-key';
import { walkFolder } from './walk';

export interface FolderImportParams {
  root: string;
}

export interface FolderImportResult {
  timing: PipelineTiming;
  deleted: number;
}

export async function importFolderJob(
  ctx: JobContext<FolderImportParams>,
  deps: PipelineDeps,
): Promise<FolderImportResult> {
  let rootReal: string;
  try {
    rootReal = await realpath(ctx.params.root);
  } catch (e) {
    throw Object.assign(new Error(`cannot open the folder ${ctx.params.root} (${(e as NodeJS.ErrnoException).code})`), {
      code: 'FOLDER_UNREADABLE',
    });
  }
  const rootBytes = Buffer.from(rootReal);
  const root = pathKey(rootBytes);
  const items: WorkItem[] = [];
  const seen = new Set<string>();
  const own = deps.ownPaths.map((p) => Buffer.from(p));
  const skip = (path: Buffer): boolean =>
    own.some(
      (p) =>
        path.equals(p) ||
        (path.length > p.length &&
          path.subarray(0, p.length).equals(p) &&
          [0x2f, 0x2d, 0x2e].includes(path[p.length]!)),
    );
  for await (const e of walkFolder(rootBytes, { signal: ctx.signal, skip })) {
    const key = pathKey(e.path);
    if (e.kind === 'problem') items.push({ kind: 'problem', path: displayPath(key), reason: e.reason });
    else {
      seen.add(key);
      items.push({ kind: 'file', file: { path: e.path, key, root, size: e.size, mtimeMs: e.mtimeMs } });
    }
  }
  if (ctx.signal.aborted) return { timing: { wallMs: 0, modelMs: 0, embeddedImages: 0 }, deleted: 0 };
  const timing = await runMediaPipeline(ctx, items, deps);
  if (ctx.signal.aborted) return { timing, deleted: 0 };
  return { timing, deleted: await removeVanished(ctx, deps, root, seen, items.length) };
}

/** Rows of files no longer on disk go, with their vectors; rows that carry pairs stay (curated work is never lost). */
async function removeVanished(
  ctx: JobContext,
  deps: PipelineDeps,
  root: string,
  seen: Set<string>,
  position: number,
): Promise<number> {
  const { store, modelVersionId: mv } = deps;
  const gone: { id: number; label: number | undefined }[] = [];
  for (const m of store.ingest.mediaUnderRoot(root)) {
    if (seen.has(m.path) || m.captionCount > 0) continue;
    try {
      await access(pathFromKey(m.path));
      continue; // Still there (e.g. skipped by the walk as a second link to the same folder).
    } catch (e) {
      // Only a file that is provably absent goes; an unreadable folder (EACCES, EIO) keeps its rows.
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR')
        gone.push({ id: m.id, label: store.vectors.imageLabelForPath(mv, m.path) });
    }
  }
  if (gone.length === 0) return 0;
  const cursor = parseCursor(store.jobs.byId(ctx.jobId)!.cursor);
  ctx.commit(position, () => {
    for (const g of gone) store.media.delete(g.id);
    return JSON.stringify({ ...cursor, position });
  });
  for (const g of gone) if (g.label !== undefined) deps.imageIndex?.delete(g.label);
  return gone.length;
}
