import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { LibraryStore } from '../store/library-store';
import { spawnTs, waitForExit, waitForLine } from '../store/test-support/child-process';
import { makeTempDir } from '../store/test-support/temp-dir';
import { libraryFiles } from './import-session';

const TINY = join(__dirname, '../../../test/fixtures/tiny-albef');
const NOTO = join(__dirname, '../../../node_modules/emoji-datasource-google/img/google/64');
const CHILD = new URL('./test-support/import-child.ts', import.meta.url);

let tmp: ReturnType<typeof makeTempDir>;
let photos: string;
let files: string[];
beforeAll(() => {
  tmp = makeTempDir('pairscope-crash-');
  photos = join(tmp.dir, 'photos');
  mkdirSync(photos);
  // Real images from an installed package (Noto emoji PNGs), enough for many batches of 4.
  files = readdirSync(NOTO)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .slice(0, 160);
  for (const f of files) copyFileSync(join(NOTO, f), join(photos, f));
});
afterAll(() => tmp.remove());

describe('import after SIGKILL', () => {
  it('finishes the interrupted job at its cursor with every file exactly once', async () => {
    const library = join(tmp.dir, 'lib');
    const first = spawnTs(CHILD, [library, TINY, photos]);
    // Wait until some batches are committed, then kill the process without any chance to clean up.
    await waitForLine(first, /^progress (1[2-9]|[2-9]\d)\b/, 60_000);
    first.kill('SIGKILL');
    await waitForExit(first);
    expect(first.signalCode).toBe('SIGKILL');

    const second = spawnTs(CHILD, [library, TINY, photos]);
    const [, json] = await waitForLine(second, /^summary (.*)$/, 120_000);
    await waitForExit(second);
    const summary = JSON.parse(json!) as {
      state: string;
      resumed: boolean;
      imported: number;
      reused: number;
      skipped: number;
      failedFiles: unknown[];
      embeddedThisRun: number;
    };
    // Some Noto PNGs are byte-identical (flags): their second copy reuses the first one's vector.
    const distinct = new Set(
      files.map((f) =>
        createHash('sha256')
          .update(readFileSync(join(photos, f)))
          .digest('hex'),
      ),
    ).size;
    expect(summary.state).toBe('done');
    expect(summary.resumed).toBe(true);
    // Counts were committed with each batch, so the resumed job's totals cover both runs exactly.
    expect([summary.imported, summary.reused, summary.skipped, summary.failedFiles]).toEqual([
      distinct,
      files.length - distinct,
      0,
      [],
    ]);
    expect(summary.embeddedThisRun).toBeGreaterThan(0);
    expect(summary.embeddedThisRun).toBeLessThan(files.length);

    const store = LibraryStore.open(libraryFiles(library).dbFile);
    try {
      const paths = store.ingest.mediaUnderRoot(photos).map((m) => m.path);
      expect(paths).toEqual(files.map((f) => join(photos, f)));
      const mv = store.modelVersions.list()[0]!;
      expect(store.vectors.count(mv.id, 'image')).toBe(files.length);
      expect(store.jobs.unfinished()).toEqual([]);
    } finally {
      store.close();
    }
  });
});
