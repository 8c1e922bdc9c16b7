import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ThumbnailCache } from '../ingest/thumbnails';
import type { LibraryStore } from '../store/library-store';
import { useTempStore } from '../store/test-support/temp-store';
import { MediaCatalog } from './media-catalog';

const HASH = (n: number) => n.toString(16).padStart(64, '0');

describe('MediaCatalog (photo grid, sidebar, lightbox reads)', () => {
  const lib = useTempStore('pairscope-catalog-');
  let store: LibraryStore;
  let catalog: MediaCatalog;
  let root: string;
  const add = (rel: string, takenAt: number, n: number) =>
    store.media.upsert({
      path: path.join(root, rel),
      root,
      contentHash: HASH(n),
      size: 10,
      mtimeMs: 1,
      kind: 'jpeg',
      takenAt,
      thumbKey: HASH(n),
    });

  beforeEach(() => {
    store = lib.store;
    root = path.join(lib.dir, 'photos');
    mkdirSync(path.join(root, 'trip'), { recursive: true });
    const mv = store.modelVersions.ensure({ name: 'm', embedDim: 2, featureDim: 2, bundleSha256: 'x' });
    catalog = new MediaCatalog({
      store,
      browse: store.browse,
      thumbnails: new ThumbnailCache(path.join(lib.dir, 'cache')),
      modelVersionId: mv.id,
    });
  });

  it('pages newest first with totals, filters by folder, and sees rows added after the first page', () => {
    store.transaction(() => {
      add('a.jpg', 1000, 1);
      add('trip/b.jpg', 3000, 2);
      add('trip/c.jpg', 2000, 3);
    });
    const first = catalog.list({}, 'newest', 0, 2);
    expect(first.total).toBe(3);
    expect(first.items.map((i) => path.basename(i.path))).toEqual(['b.jpg', 'c.jpg']);
    expect(catalog.list({}, 'newest', 2, 2).items.map((i) => path.basename(i.path))).toEqual(['a.jpg']);
    expect(
      catalog.list({ folder: path.join(root, 'trip') }, 'oldest', 0, 10).items.map((i) => path.basename(i.path)),
    ).toEqual(['c.jpg', 'b.jpg']);
    add('d.jpg', 4000, 4);
    expect(catalog.list({}, 'newest', 0, 1)).toMatchObject({ total: 4, items: [{ path: path.join(root, 'd.jpg') }] });
  });

  it('counts roots and the folders that hold photos; the overview follows new rows', () => {
    store.transaction(() => {
      add('a.jpg', 1, 1);
      add('trip/b.jpg', 2, 2);
    });
    expect(catalog.overview()).toMatchObject({
      total: 2,
      roots: [{ path: root, count: 2 }],
      folders: [
        { path: root, count: 1 },
        { path: path.join(root, 'trip'), count: 1 },
      ],
      kinds: ['jpeg'],
    });
    add('trip/c.jpg', 3, 3);
    expect(catalog.overview().folders).toEqual([
      { path: root, count: 1 },
      { path: path.join(root, 'trip'), count: 2 },
    ]);
  });

  it('lists a photo’s captions with a null score when they have no vectors, and saves searches by name', () => {
    const id = add('a.jpg', 1, 1);
    store.captions.upsert({ mediaId: id, source: 'csv:x.csv', text: 'a red bike' });
    expect(catalog.detail(id)?.captions).toEqual([
      expect.objectContaining({ text: 'a red bike', source: 'csv:x.csv', reviewState: 'unreviewed', score: null }),
    ]);
    expect(catalog.detail(9999)).toBeNull();
    catalog.saveSearch({ name: 'bikes', text: 'bike' });
    catalog.saveSearch({ name: 'bikes', text: 'red bike' });
    expect(catalog.saveSearch({ name: 'apples', text: 'apple' })).toEqual([
      { name: 'apples', text: 'apple' },
      { name: 'bikes', text: 'red bike' },
    ]);
    expect(catalog.removeSearch('apples')).toEqual([{ name: 'bikes', text: 'red bike' }]);
  });

  it('serves an original only from inside its root: a symlink pointing out is refused, thumbnails need a file', async () => {
    writeFileSync(path.join(root, 'a.jpg'), 'jpeg');
    writeFileSync(path.join(lib.dir, 'secret.jpg'), 'secret');
    symlinkSync(path.join(lib.dir, 'secret.jpg'), path.join(root, 'link.jpg'));
    const inside = add('a.jpg', 1, 1);
    const outside = add('link.jpg', 2, 2);
    expect(await catalog.fileFor(inside, 'original')).toEqual({
      file: path.join(root, 'a.jpg'),
      contentType: 'image/jpeg',
    });
    expect(await catalog.fileFor(outside, 'original')).toBeNull();
    expect(await catalog.fileFor(inside, 'grid')).toBeNull();
    const thumb = new ThumbnailCache(path.join(lib.dir, 'cache')).pathOf(HASH(1), 'grid');
    mkdirSync(path.dirname(thumb), { recursive: true });
    writeFileSync(thumb, 'webp');
    expect(await catalog.fileFor(inside, 'grid')).toEqual({ file: thumb, contentType: 'image/webp' });
    expect(await catalog.fileFor(12345, 'grid')).toBeNull();
  });
});
