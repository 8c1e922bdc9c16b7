/** `pairscope import`: a folder or a pairs file into a library, as a background job the command waits for (issue #7). */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type CliCommand, CliUsageError, integerOption, parseCommandArgs } from '../cli-command';
import { defaultBundleDir } from '../project-paths';

export const DEFAULT_BUNDLE = defaultBundleDir;

export const command: CliCommand = {
  name: 'import',
  summary: 'import a photo folder or a pairs file (CSV, JSONL, ALBEF/COCO/AliProducts JSON) into a library',
  usage: `Usage: pairscope import --library L [--model DIR] [--root DIR]... [--batch N] [--json] <folder | pairs-file>

Creates the library if needed, runs the import as a resumable job and waits for it. A run that was killed
is picked up where it stopped by the next run of the same command; nothing is imported twice.
  --library L   library folder (or a .pairscope file); created if missing
  --model DIR   model bundle (default: ${path.relative(process.cwd(), DEFAULT_BUNDLE) || DEFAULT_BUNDLE})
  --root DIR    folder the images of a pairs file may come from (repeatable; default: the file's folder).
                Paths that leave every root (.., absolute, symlinks pointing out) are refused.
  --batch N     images per model run (default 16)
  --json        print the summary as one JSON object: {imported, skipped, failed: [{path, reason}], ...}

Example: pairscope import --library ~/pairscope-lib ~/Pictures --json`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      library: { type: 'string' },
      model: { type: 'string' },
      root: { type: 'string', multiple: true },
      batch: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!values.library) throw new CliUsageError('--library is required');
    if (positionals.length !== 1) throw new CliUsageError('name exactly one folder or pairs file to import');
    const target = path.resolve(positionals[0]!);
    const batchSize = integerOption('batch', values.batch, 1, 256);
    let isFolder: boolean;
    try {
      isFolder = (await stat(target)).isDirectory();
    } catch (e) {
      throw new Error(`cannot open ${target} (${(e as NodeJS.ErrnoException).code})`);
    }
    const { isPairsFile } = await import('../engine/ingest/pairs/pairs-file');
    if (!isFolder && !isPairsFile(target))
      throw new CliUsageError(`${target} is neither a folder nor a pairs file (.csv .tsv .jsonl .ndjson .json)`);
    const { ImportSession } = await import('../engine/ingest/import-session');
    let lastLine = 0;
    const session = await ImportSession.open({
      library: values.library,
      bundleDir: values.model ? path.resolve(values.model) : DEFAULT_BUNDLE,
      ...(batchSize ? { batchSize } : {}),
      onProgress: (p) => {
        const now = Date.now();
        if (values.json || p.state !== 'running' || p.total === null || now - lastLine < 2000) return;
        lastLine = now;
        const eta = p.etaSeconds === null ? '' : `, ~${Math.ceil(p.etaSeconds)} s left`;
        const rate = p.rate === null ? '' : `, ${p.rate.toFixed(1)}/s`;
        io.stderr(`${p.done}/${p.total ?? '?'}${rate}${eta}, ${p.errors} problems — ${p.currentFile ?? ''}`);
      },
    });
    const stopOnSignal = (): void => void session.ingest.dispose();
    process.once('SIGINT', stopOnSignal);
    process.once('SIGTERM', stopOnSignal);
    try {
      const kind = isFolder ? 'import-folder' : 'import-pairs';
      const wanted = isFolder
        ? { root: target }
        : { file: target, ...(values.root?.length ? { roots: values.root.map((r) => path.resolve(r)) } : {}) };
      // A run this command left unfinished (killed, Ctrl-C) resumes at its cursor instead of starting over.
      const resumed = session.ingest.runner.resumeUnfinished();
      const same = resumed.find((id) => {
        const job = session.store.jobs.byId(id)!;
        return job.kind === kind && JSON.stringify(job.params) === JSON.stringify(wanted);
      });
      const jobId =
        same ?? (isFolder ? session.ingest.importFolder(target) : session.ingest.importPairs(target, values.root));
      for (const id of resumed) if (id !== jobId) await session.ingest.runner.wait(id);
      const s = await session.ingest.finished(jobId);
      const out = {
        library: values.library,
        jobId: s.jobId,
        state: s.state,
        resumed: same !== undefined,
        imported: isFolder ? s.imported + s.reused : s.pairsImported,
        skipped: isFolder ? s.skipped : s.pairsSkipped,
        failed: s.failedFiles,
        images: { imported: s.imported, reused: s.reused, skipped: s.skipped, ignored: s.ignored, failed: s.failed },
        ...(isFolder ? {} : { pairs: { imported: s.pairsImported, skipped: s.pairsSkipped } }),
        ...(s.error ? { error: s.error } : {}),
      };
      if (values.json) io.stdout(JSON.stringify(out));
      else {
        io.stdout(`${s.state}: ${out.imported} imported, ${out.skipped} skipped, ${out.failed.length} failed`);
        for (const f of out.failed) io.stdout(`  ${f.path}: ${f.reason}`);
      }
      return s.state === 'done' ? 0 : 1;
    } finally {
      process.off('SIGINT', stopOnSignal);
      process.off('SIGTERM', stopOnSignal);
      await session.close();
    }
  },
};
