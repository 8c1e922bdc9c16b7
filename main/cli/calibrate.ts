/** `pairscope calibrate`: fit the ITM re-rank calibration on a library's own pairs (main/engine/search). */
import path from 'node:path';
import {
  bundleOption,
  type CliCommand,
  CliUsageError,
  existingLibraryOption,
  integerOption,
  parseCommandArgs,
} from '../cli-command';

export const command: CliCommand = {
  name: 'calibrate',
  summary: "fit the ITM match-probability calibration of a library's model version on its own pairs",
  usage: `Usage: pairscope calibrate --library L [--bundle DIR | --model DIR] [--pairs N (400)] [--json]

Scores each sampled pair's caption against its own image, the nearest other image and a random image,
fits temperature + bias on half of the captions, checks the expected calibration error (ECE) on the
other half, and stores the fit in the library; "search --rerank" then reports calibrated probabilities.

Example: pairscope calibrate --library products.pairscope --pairs 600 --json`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      library: { type: 'string' },
      bundle: { type: 'string' },
      model: { type: 'string' },
      pairs: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new CliUsageError(`unexpected "${positionals[0]}"`);
    const { dbFile: library, cacheDir } = await existingLibraryOption(values.library);
    const pairs = integerOption('pairs', values.pairs, 40, 100_000) ?? 400;
    const bundleDir = bundleOption(values.bundle ?? values.model);

    const { Embedder } = await import('../engine/model/embedder');
    const { ModelQueryEncoder } = await import('../engine/search/model-query-encoder');
    const { openSearchSession } = await import('../engine/search/search-session');
    const { calibrateItm } = await import('../engine/search/itm-calibration-set');
    const embedder = await Embedder.open(path.resolve(bundleDir));
    try {
      const encoder = new ModelQueryEncoder(embedder, embedder.bundle.manifest.name);
      const session = openSearchSession(library, encoder, { tokenCacheDir: path.join(cacheDir, 'itm-tokens') });
      try {
        const run = await calibrateItm(session.store, encoder, session.images, { pairs });
        if (values.json) io.stdout(JSON.stringify(run));
        else {
          const c = run.calibration;
          io.stdout(
            `temperature ${c.temperature.toFixed(3)}, bias ${c.bias.toFixed(3)} (fitted on ${c.fittedOn} judgements); ` +
              `held-out ECE ${run.heldOut.eceBefore.toFixed(4)} → ${run.heldOut.eceAfter.toFixed(4)} on ${run.heldOut.pairs}`,
          );
        }
        return 0;
      } finally {
        session.close();
      }
    } finally {
      await embedder.dispose();
    }
  },
};
