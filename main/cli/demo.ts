/** `pairscope demo`: builds (or checks) the demo library that `npm start` opens on first run (issue #7). */
import path from 'node:path';
import { type CliCommand, CliUsageError, parseCommandArgs } from '../cli-command';
import { demoLibraryDir } from '../default-library';
import { projectRoot } from '../project-paths';
import { DEFAULT_BUNDLE } from './import';

export const DEFAULT_DEMO_LIBRARY = demoLibraryDir;
export const DEFAULT_DEMO_SOURCE = path.join(projectRoot, 'data', 'demo');

export const command: CliCommand = {
  name: 'demo',
  summary: 'import the demo photos (data/demo) with the bundled model into the demo library',
  usage: `Usage: pairscope demo [--library L] [--source DIR] [--model DIR] [--json]

Imports DIR/pairs.jsonl (GCompris photos, Tux Paint stamps, Fluent 3D emoji with their captions) into the
demo library. Does nothing when the library already holds this demo folder embedded with this model; resumes
an interrupted run.
  --library L   default: data/demo-library
  --source DIR  default: data/demo (built by tools/dataset/build-demo-library-source.ts)
  --model DIR   default: resources/models/albef-emoji-small
  --json        print {"library","created","summary"} as one JSON line

Example: pairscope demo && npm start`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      library: { type: 'string' },
      source: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new CliUsageError(`unexpected "${positionals[0]}"`);
    const { ensureDemoLibrary } = await import('../engine/ingest/demo-library');
    let last = 0;
    const result = await ensureDemoLibrary({
      library: values.library ? path.resolve(values.library) : DEFAULT_DEMO_LIBRARY,
      source: values.source ? path.resolve(values.source) : DEFAULT_DEMO_SOURCE,
      bundleDir: values.model ? path.resolve(values.model) : DEFAULT_BUNDLE,
      onProgress: (p) => {
        if (values.json || p.state !== 'running' || p.total === null || Date.now() - last < 2000) return;
        last = Date.now();
        io.stderr(`demo: ${p.done}/${p.total}${p.rate === null ? '' : `, ${p.rate.toFixed(1)}/s`}`);
      },
    });
    if (values.json) io.stdout(JSON.stringify(result));
    else if (!result.created) io.stdout(`demo library up to date: ${result.library}`);
    else
      io.stdout(
        `demo library ${result.summary?.state}: ${result.summary?.pairsImported} pairs, ${result.summary?.imported} images, ${result.summary?.failedFiles.length} problems → ${result.library}`,
      );
    return result.summary === null || result.summary.state === 'done' ? 0 : 1;
  },
};
