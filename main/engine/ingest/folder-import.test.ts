import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Embedder } from '../model/embedder';
import { LibraryStore } from '../store/library-store';
import { makeTempDir } from '../store/test-support/temp-dir';
import { VectorIndex } from '../vector/vector-index';
import { LibraryIngest } from './library-ingest';
import { ingestModelOf, pixelEmbedderOf } from './model-adapter';
import { jpegWithExif, patternImage, pngClaimingSize, truncatedJpeg } from './test-images';
import type { JobProgress } from '../jobs/job-progress';

const TINY = join(__dirname, '../../../test/fixtures/tiny-albef');
const LATIN1_NAME = Buffer.from('caf\xe9.png', 'latin1'); // not valid UTF-8

let tmp: ReturnType<typeof makeTempDir>;
let photos: string;
let store: LibraryStore;
let embedder: Embedder;
let index: VectorIndex;
let ingest: LibraryIngest;
const events: JobProgress[] = [];

async function open(): Promise<void> {
  store = LibraryStore.open(join(tmp.dir, 'library.pairscope'));
  const model = await ingestModelOf(pixelEmbedderOf(embedder), TINY);
  const mv = store.modelVersions.ensure({
    name: model.name,
    embedDim: model.embedDim,
    featureDim: model.featureDim,
    bundleSha256: model.bundleSha256,
  });
  index = VectorIndex.open(store, mv.id, 'image', { dim: model.embedDim });
  ingest = new LibraryIngest({
    store,
    model,
    imageIndex: index,
    cacheDir: join(tmp.dir, 'cache'),
    onProgress: (p) => events.push(p),
    batchSize: 4,
  });
}

async function close(): Promise<void> {
  await ingest.dispose();
  index.dispose({ persist: true });
  store.close();
}

beforeEach(async () => {
  tmp = makeTempDir('pairscope-ingest-');
  photos = join(tmp.dir, 'photos');
  mkdirSync(join(photos, 'sub'), { recursive: true });
  embedder = await Embedder.open(TINY, { batchSize: 4 });
  events.length = 0;
});
afterEach(async () => {
  await embedder.dispose();
  tmp.remove();
});

async function writeGoodAndBadFolder(): Promise<string[]> {
  writeFileSync(join(photos, 'a.jpg'), await patternImage(1, 'jpeg'));
  writeFileSync(join(photos, 'b.png'), await patternImage(2, 'png'));
  writeFileSync(join(photos, 'c.webp'), await patternImage(3, 'webp'));
  writeFileSync(join(photos, 'sub/d.jpg'), await patternImage(4, 'jpeg'));
  writeFileSync(join(photos, 'sub/camera.jpg'), await jpegWithExif());
  writeFileSync(
    join(photos, 'e.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="teal"/></svg>',
  );
  writeFileSync(Buffer.concat([Buffer.from(photos + '/'), LATIN1_NAME]), await patternImage(5, 'png'));
  copyFileSync(join(photos, 'a.jpg'), join(photos, 'sub/copy of a.jpg')); // a duplicate under another name
  writeFileSync(join(photos, 'README.txt'), 'not a photo, and it does not claim to be one');
  // The bad ones.
  writeFileSync(join(photos, 'truncated.jpg'), await truncatedJpeg());
  writeFileSync(join(photos, 'empty.jpg'), '');
  writeFileSync(join(photos, 'notes.jpg'), 'this is a text file with a .jpg name\n');
  writeFileSync(join(photos, 'bomb.png'), await pngClaimingSize(30000, 30000));
  // Unreadable: tests run as root, and root reads a chmod 000 file anyway, so the unreadable file is a FIFO
  // named like a photo (opening it for reading would block the import forever; it must be reported, not read).
  execFileSync('mkfifo', [join(photos, 'pipe.jpg')]);
  symlinkSync('..', join(photos, 'sub/loop'));
  symlinkSync('self.jpg', join(photos, 'self.jpg'));
  return ['a.jpg', 'b.png', 'c.webp', 'sub/d.jpg', 'sub/camera.jpg', 'e.svg'];
}

describe('folder import', () => {
  it('imports the good images, reports every bad file with its reason, and makes the good ones searchable', async () => {
    const good = await writeGoodAndBadFolder();
    await open();
    const summary = await ingest.finished(ingest.importFolder(photos));
    expect(summary.state).toBe('done');
    expect([summary.imported, summary.reused, summary.skipped, summary.ignored]).toEqual([7, 1, 0, 1]);
    const failed = Object.fromEntries(summary.failedFiles.map((f) => [f.path.slice(photos.length + 1), f.reason]));
    expect(Object.keys(failed).sort()).toEqual([
      'bomb.png',
      'empty.jpg',
      'notes.jpg',
      'pipe.jpg',
      'self.jpg',
      'sub/loop',
      'truncated.jpg',
    ]);
    expect(failed['bomb.png']).toBe('image too large: the header claims 30000×30000 (900 MP), the limit is 150 MP');
    expect(failed['empty.jpg']).toBe('empty file (0 bytes)');
    expect(failed['notes.jpg']).toBe('not an image: the content is text, although the name ends in .jpg');
    expect(failed['pipe.jpg']).toBe('cannot be read as an image: a FIFO (named pipe)');
    expect(failed['self.jpg']).toBe('symlink loop (ELOOP): the link resolves to itself');
    expect(failed['sub/loop']).toBe('symlink loop: the link points to a folder that contains it');
    expect(failed['truncated.jpg']).toBe(
      'cannot decode the jpeg data: the file is truncated (no JPEG end-of-image marker)',
    );
    expect(summary.failed).toBe(7);

    // Each good image, embedded on its own by the runtime, finds itself first in the index.
    const files = [...good.map((g) => join(photos, g)), Buffer.concat([Buffer.from(photos + '/'), LATIN1_NAME])];
    for (const f of files) {
      const [q] = await embedder.embedImages([typeof f === 'string' ? f : new Uint8Array(readFileSync(f))]);
      const [hit] = index.search(q!.ok ? q!.value.emb : new Float32Array(16), 1);
      const media = store.vectors.imageHits([hit!.label]).get(hit!.label)!;
      if (typeof f === 'string' && f.endsWith('/a.jpg'))
        expect([join(photos, 'a.jpg'), join(photos, 'sub/copy of a.jpg')]).toContain(media.path);
      else expect(media.path).toBe(typeof f === 'string' ? f : `\0x${f.toString('hex')}`);
      // ≈1 rather than exactly 1: the SVG is rasterised at the working size here, at R by the runtime's query path.
      expect(hit!.score).toBeGreaterThan(0.9999);
    }
    // The duplicate reuses a's vector (no second embedding run) but is its own row.
    const a = store.media.byPath(join(photos, 'a.jpg'))!;
    const copy = store.media.byPath(join(photos, 'sub/copy of a.jpg'))!;
    expect(copy.contentHash).toBe(a.contentHash);
    expect(ingest.timings.get(summary.jobId)!.embeddedImages).toBe(7);
    // EXIF facts and thumbnails.
    const camera = store.media.byPath(join(photos, 'sub/camera.jpg'))!;
    expect([camera.width, camera.height, camera.camera, camera.gpsLat, camera.gpsLon, camera.takenAt]).toEqual([
      20,
      40,
      'Canon EOS 5D',
      46,
      8.5,
      Date.UTC(2021, 5, 1, 12, 34, 56),
    ]);
    expect(await ingest.thumbnails.has(camera.contentHash)).toBe(true);
    // Progress events went out with totals and a final state.
    expect(events.some((e) => e.state === 'running' && e.total === 16 && e.done > 0)).toBe(true);
    expect(events.at(-1)).toMatchObject({ state: 'done', done: 16, total: 16, errors: 7 });
    await close();
  });

  it('rescans touch only what changed: unchanged skipped, a moved file keeps its row, a deleted one goes', async () => {
    writeFileSync(join(photos, 'a.jpg'), await patternImage(1, 'jpeg'));
    writeFileSync(join(photos, 'b.png'), await patternImage(2, 'png'));
    writeFileSync(join(photos, 'c.webp'), await patternImage(3, 'webp'));
    await open();
    expect((await ingest.finished(ingest.importFolder(photos))).imported).toBe(3);
    const again = await ingest.finished(ingest.importFolder(photos));
    expect([again.imported, again.reused, again.skipped, again.failed]).toEqual([0, 0, 3, 0]);
    const b = store.media.byPath(join(photos, 'b.png'))!;
    renameSync(join(photos, 'b.png'), join(photos, 'sub/b-renamed.png'));
    unlinkSync(join(photos, 'c.webp'));
    writeFileSync(join(photos, 'a.jpg'), await patternImage(9, 'jpeg')); // changed content, same name
    const third = await ingest.finished(ingest.importFolder(photos));
    expect([third.imported, third.reused, third.skipped]).toEqual([1, 1, 0]);
    expect(store.media.byPath(join(photos, 'sub/b-renamed.png'))!.id).toBe(b.id);
    expect(store.media.byPath(join(photos, 'c.webp'))).toBeUndefined();
    expect(store.media.count()).toBe(2);
    expect(index.size).toBe(2);
    expect(ingest.timings.get(third.jobId)!.embeddedImages).toBe(1);
    await close();
  });

  it('stops a cancelled job after its current batch, keeping what it committed', async () => {
    for (let i = 0; i < 24; i++)
      writeFileSync(join(photos, `p${String(i).padStart(2, '0')}.jpg`), await patternImage(i, 'jpeg'));
    await open();
    const id = ingest.importFolder(photos);
    const stop = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if ((store.jobs.byId(id)?.progressDone ?? 0) > 0) {
          clearInterval(timer);
          ingest.runner.cancel(id);
          resolve();
        }
      }, 1);
    });
    await stop;
    const s = await ingest.finished(id);
    expect(s.state).toBe('cancelled');
    expect(s.imported).toBeGreaterThan(0);
    expect(s.imported).toBeLessThan(24);
    expect(store.media.count()).toBe(s.imported);
    const rest = await ingest.finished(ingest.importFolder(photos));
    expect([rest.imported + s.imported, rest.skipped]).toEqual([24, s.imported]);
    await close();
  });
});
