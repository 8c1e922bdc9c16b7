/** `pairscope finetune`: one fine-tune of a library's heads on its curated pairs, waited for (issue #10). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type CliCommand, CliUsageError, integerOption, parseCommandArgs } from '../cli-command';
import { defaultBundleDir } from '../project-paths';

export const command: CliCommand = {
  name: 'finetune',
  summary: 'fine-tune the projection heads on the library’s pairs; a new model version becomes active',
  usage: `Usage: pairscope finetune --library L [--model B] [--json] [--epochs N] [--seed N]

Trains the projection heads on the library's cached features and curated pairs (docs/fine-tune.md),
reports held-out recall before and after, stores a new model version and makes it the active one.
Progress (step, loss, ETA) goes to stderr. Nothing changes until the new version is complete: a cancel
(Ctrl+C) or a crash leaves the current version active. Undo with: pairscope rollback --library L --to V
  --library L     library folder (or .pairscope file)
  --model B       model bundle (default: resources/models/albef-emoji-small)
  --json          print {version, previous, before, after, counts, seconds, lossCurve} as one JSON object
  --epochs N      epochs (default: 5, raised so there are at least 100 steps)
  --seed N        seed of the held-out split and the batches (default 1)

Example: pairscope finetune --library ~/pairscope-lib --json`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      library: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
    });
    if (!values.library) throw new CliUsageError('--library is required');
    const epochs = integerOption('epochs', values.epochs, 1, 10_000);
    const seed = integerOption('seed', values.seed, 0, 2 ** 31 - 1);
    const { libraryFiles } = await import('../engine/ingest/import-session');
    const { dbFile } = libraryFiles(values.library);
    if (!existsSync(dbFile)) throw new Error(`no library at ${values.library} (expected ${dbFile})`);
    const bundleDir = values.model ? path.resolve(values.model) : defaultBundleDir;
    const { LibraryVersions } = await import('../engine/train/library-versions');
    const { StoreFineTunePort } = await import('../engine/train/store-fine-tune-port');
    const { fineTuneLibrary } = await import('../engine/train/library-fine-tune');
    const { runFineTuneInWorker } = await import('../engine/train/run-fine-tune-worker');
    const versions = LibraryVersions.open(dbFile, bundleDir);
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    try {
      let lastPrinted = -1;
      const r = await fineTuneLibrary(
        new StoreFineTunePort(versions),
        runFineTuneInWorker,
        { ...(epochs !== undefined ? { epochs } : {}), ...(seed !== undefined ? { seed } : {}) },
        {
          signal: abort.signal,
          onProgress: (p) => {
            const tenth = Math.floor((10 * p.step) / p.totalSteps);
            if (tenth === lastPrinted) return;
            lastPrinted = tenth;
            io.stderr(
              `pairscope finetune: step ${p.step}/${p.totalSteps} loss ${p.loss.total.toFixed(4)} ETA ${Math.round(p.etaSeconds)} s`,
            );
          },
        },
      );
      const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
      if (values.json) io.stdout(JSON.stringify(r));
      else {
        io.stdout(`new model version ${r.version.name} (active; previous ${r.previous.name})`);
        for (const dir of ['t2i', 'i2t'] as const) {
          const b = r.before[dir];
          const a = r.after[dir];
          io.stdout(
            `  held-out ${dir}: R@1 ${pct(b.r1)} → ${pct(a.r1)}  R@5 ${pct(b.r5)} → ${pct(a.r5)}  R@10 ${pct(b.r10)} → ${pct(a.r10)}`,
          );
        }
      }
      return 0;
    } finally {
      process.off('SIGINT', onSigint);
      versions.close();
    }
  },
};
