/**
 * Builds a demo library (the demo source's 426 pairs) with a bundle into a folder, for bench/ui/screens.ts and
 * bench/ui/cutoff.ts comparisons on a library made by exactly that bundle build.
 *
 * Usage: nice -n 19 npx tsx bench/ui/demo-library.ts --library DIR [--bundle DIR]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ImportSession } from '../../main/engine/ingest/import-session';
import { defaultBundleDir, projectRoot } from '../../main/project-paths';

const { values } = parseArgs({ options: { library: { type: 'string' }, bundle: { type: 'string' } } });
if (!values.library) throw new Error('--library DIR is required');
const started = performance.now();
const session = await ImportSession.open({
  library: path.resolve(values.library),
  bundleDir: path.resolve(values.bundle ?? defaultBundleDir),
});
try {
  const summary = await session.ingest.finished(
    session.ingest.importPairs(path.join(projectRoot, 'data', 'demo', 'pairs.jsonl')),
  );
  console.log(
    `${summary.state}: ${summary.pairsImported} pairs in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await session.close();
}
