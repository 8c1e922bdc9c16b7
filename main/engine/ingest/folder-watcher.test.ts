import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../store/test-support/temp-dir';
import { watchFolder, type FolderWatcher } from './folder-watcher';
import { ImportSession } from './import-session';
import { patternImage } from './test-images';

const TINY = join(__dirname, '../../../test/fixtures/tiny-albef');

let tmp: ReturnType<typeof makeTempDir>;
let watcher: FolderWatcher | undefined;
beforeEach(() => {
  tmp = makeTempDir('pairscope-watch-');
  mkdirSync(join(tmp.dir, 'photos/sub'), { recursive: true });
});
afterEach(() => {
  watcher?.dispose();
  tmp.remove();
});

function nextBatch(start: (onBatch: (keys: string[] | null) => void) => FolderWatcher): Promise<string[] | null> {
  return new Promise((resolve) => {
    watcher = start((keys) => resolve(keys));
  });
}

describe('watchFolder', () => {
  for (const poll of [false, true]) {
    it(`turns a burst of writes into one debounced batch (${poll ? 'polling' : 'fs events'})`, async () => {
      const root = join(tmp.dir, 'photos');
      const batch = nextBatch((onBatch) => watchFolder(root, { onBatch, debounceMs: 150, poll, pollIntervalMs: 100 }));
      expect(watcher!.mode).toBe(poll ? 'polling' : 'events');
      await new Promise((r) => setTimeout(r, 250)); // let the poller take its first snapshot
      writeFileSync(join(root, 'a.jpg'), 'a');
      writeFileSync(join(root, 'sub/b.jpg'), 'b');
      const keys = await batch;
      expect(keys).toEqual(expect.arrayContaining(['a.jpg', 'sub/b.jpg']));
    });
  }

  it('queues a rescan that imports a photo dropped into a watched folder', async () => {
    const root = join(tmp.dir, 'photos');
    const s = await ImportSession.open({ library: join(tmp.dir, 'lib'), bundleDir: TINY });
    try {
      s.ingest.watch(root, { debounceMs: 100 });
      writeFileSync(join(root, 'new.jpg'), await patternImage(7, 'jpeg'));
      const deadline = Date.now() + 10_000;
      while (s.store.media.count() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(s.store.media.byPath(join(root, 'new.jpg'))?.kind).toBe('jpeg');
    } finally {
      await s.close();
    }
  });

  it("never imports or reacts to the library's own database and thumbnails inside the watched folder", async () => {
    const root = join(tmp.dir, 'photos');
    writeFileSync(join(root, 'one.jpg'), await patternImage(8, 'jpeg'));
    const s = await ImportSession.open({ library: join(root, 'lib'), bundleDir: TINY });
    try {
      s.ingest.watch(root, { debounceMs: 100 });
      const first = await s.ingest.finished(s.ingest.importFolder(root));
      expect([first.imported, first.skipped, first.ignored, first.failed]).toEqual([1, 0, 0, 0]);
      // The import wrote the database and two thumbnails below the watched folder; none of that queues work.
      await new Promise((r) => setTimeout(r, 600));
      expect(s.ingest.runner.list().length).toBe(1);
      expect(s.store.media.count()).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('resumes an interrupted import and watches previously imported folders again after a reopen', async () => {
    const root = join(tmp.dir, 'photos');
    writeFileSync(join(root, 'one.jpg'), await patternImage(11, 'jpeg'));
    const library = join(tmp.dir, 'lib');
    const first = await ImportSession.open({ library, bundleDir: TINY });
    await first.ingest.finished(first.ingest.importFolder(root));
    await first.close();

    const second = await ImportSession.open({ library, bundleDir: TINY });
    try {
      expect(second.ingest.resume({ watch: true })).toEqual([]);
      writeFileSync(join(root, 'two.jpg'), await patternImage(12, 'jpeg'));
      const deadline = Date.now() + 10_000;
      while (!second.store.media.byPath(join(root, 'two.jpg')) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(second.store.media.count()).toBe(2);
    } finally {
      await second.close();
    }
  });
});
