/**
 * The demo library a new user sees on first run (issue #7): the demo folder built by tools/dataset
 * (`data/demo`: GCompris photos, Tux Paint stamps, Fluent 3D emoji, with `pairs.jsonl` captions) imported with
 * the bundled model. Idempotent and resumable: a library that already holds this source with this bundle is
 * left alone; a run that was killed resumes its job; a new bundle or a rebuilt demo folder re-imports (only
 * what changed is embedded again).
 *
 * @example await ensureDemoLibrary({ library: 'data/demo-library', source: 'data/demo', bundleDir: 'resources/models/albef-emoji-small' })
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { JobProgress } from '../jobs/job-progress';
import { hashBytes } from './content-hash';
import { ImportSession, libraryFiles } from './import-session';
import type { ImportSummary } from './library-ingest';

export interface DemoLibraryOptions {
  library: string;
  /** The demo folder holding `pairs.jsonl` and `images/`. */
  source: string;
  bundleDir: string;
  onProgress?: (p: JobProgress) => void;
}

export interface DemoLibraryResult {
  library: string;
  created: boolean;
  summary: ImportSummary | null;
}

const SETTING = 'demo.import';

interface DemoStamp {
  pairsSha256: string;
  bundleSha256: string | null;
}

export async function ensureDemoLibrary(options: DemoLibraryOptions): Promise<DemoLibraryResult> {
  const source = resolve(options.source);
  const pairs = join(source, 'pairs.jsonl');
  if (!existsSync(pairs)) {
    throw Object.assign(
      new Error(
        `no demo folder at ${source} (expected pairs.jsonl; build it with: npx tsx tools/dataset/build-demo-library-source.ts --out data/demo)`,
      ),
      { code: 'DEMO_SOURCE_MISSING' },
    );
  }
  const pairsSha256 = hashBytes(await readFile(pairs));
  const session = await ImportSession.open({
    library: options.library,
    bundleDir: options.bundleDir,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  try {
    const stamp = session.store.settings.get(SETTING) as DemoStamp | undefined;
    const wanted: DemoStamp = { pairsSha256, bundleSha256: session.model.bundleSha256 };
    const resumed = session.ingest.runner.resumeUnfinished();
    if (
      resumed.length === 0 &&
      stamp &&
      stamp.pairsSha256 === wanted.pairsSha256 &&
      stamp.bundleSha256 === wanted.bundleSha256
    ) {
      return { library: libraryFiles(options.library).dbFile, created: false, summary: null };
    }
    for (const id of resumed) await session.ingest.runner.wait(id);
    const summary = await session.ingest.finished(session.ingest.importPairs(pairs, [source]));
    if (summary.state === 'done') session.store.settings.set(SETTING, wanted);
    return { library: libraryFiles(options.library).dbFile, created: true, summary };
  } finally {
    await session.close();
  }
}
