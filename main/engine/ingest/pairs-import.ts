/**
 * The `import-pairs` job (issue #7): read a pairs file (CSV, JSONL, ALBEF json, COCO captions, AliProducts),
 * resolve every image inside the declared roots, import the images through the same pipeline as folders and
 * attach each caption as a pair. Invalid rows are reported with file, line and reason; valid rows go in;
 * importing the same file again changes nothing (captions are keyed by media + source + text).
 *
 * @example runner.register('import-pairs', (ctx) => importPairsJob(ctx, deps).then(() => undefined))
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { JobContext } from '../jobs/job-runner';
import {
  runMediaPipeline,
  type CaptionToImport,
  type PipelineDeps,
  type PipelineTiming,
  type WorkItem,
} from './media-pipeline';
import { pathKey } from './path-key';
import { ImageRoots } from './pairs/image-roots';
import { readPairsFile } from './pairs/pairs-file';
import { dirname } from 'node:path';

export interface PairsImportParams {
  file: string;
  /** Folders the images may come from; default: the pairs file's folder. */
  roots?: string[];
}

function lineOf(location: string): number | null {
  const m = /line (\d+)/.exec(location);
  return m ? Number(m[1]) : null;
}

export async function importPairsJob(
  ctx: JobContext<PairsImportParams>,
  deps: PipelineDeps,
): Promise<{ timing: PipelineTiming }> {
  const file = resolve(ctx.params.file);
  let parsed;
  try {
    parsed = await readPairsFile(file);
  } catch (e) {
    throw Object.assign(
      new Error(`cannot read the pairs file ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`),
      { code: 'PAIRS_FILE_UNREADABLE' },
    );
  }
  const roots = await ImageRoots.open(
    ctx.params.roots && ctx.params.roots.length > 0 ? ctx.params.roots : [dirname(file)],
  );
  const source = `${parsed.format}:${file}`;
  const items: WorkItem[] = parsed.problems.map((p) => ({
    kind: 'problem',
    path: `${p.file}:${p.location}`,
    reason: p.reason,
  }));
  const byImage = new Map<string, { root: string; captions: CaptionToImport[] }>();
  for (const row of parsed.rows) {
    const r = await roots.resolve(row.image);
    if (!r.ok) {
      items.push({ kind: 'problem', path: `${file}:${row.location}`, reason: r.reason });
      continue;
    }
    const entry = byImage.get(r.path) ?? { root: r.root, captions: [] };
    entry.captions.push({ text: row.caption, source, line: lineOf(row.location) });
    byImage.set(r.path, entry);
  }
  for (const [path, { root, captions }] of byImage) {
    const s = await stat(path).catch(() => null);
    if (!s) {
      items.push({ kind: 'problem', path, reason: 'the image vanished while the pairs file was being read' });
      continue;
    }
    const bytes = Buffer.from(path);
    items.push({
      kind: 'file',
      file: {
        path: bytes,
        key: pathKey(bytes),
        root: pathKey(Buffer.from(root)),
        size: s.size,
        mtimeMs: Math.floor(s.mtimeMs),
      },
      captions,
    });
  }
  return { timing: await runMediaPipeline(ctx, items, deps) };
}
