import { beforeEach, describe, expect, it } from 'vitest';
import type { LibraryStore } from './library-store';
import { useTempStore } from './test-support/temp-store';

const lib = useTempStore('pairscope-version-store-');
let store: LibraryStore;
beforeEach(() => (store = lib.store));

function seed() {
  const base = store.modelVersions.ensure({ name: 'bundle', embedDim: 2, featureDim: 3 });
  const mediaId = store.media.upsert({
    path: '/p/a.jpg',
    root: '/p',
    contentHash: 'h',
    size: 1,
    mtimeMs: 1,
    kind: 'jpeg',
  });
  const captionId = store.captions.upsert({ mediaId, source: 'csv:x', text: 'red apple' });
  store.vectors.upsertFeature(base.id, { mediaId }, new Float32Array([1, 2, 3]));
  store.vectors.upsertFeature(base.id, { captionId }, new Float32Array([4, 5, 6]));
  return { base, mediaId, captionId };
}

const version = (parentId: number, mediaId: number, captionId: number, name = 'bundle+ft1') => ({
  name,
  parentId,
  embedDim: 2,
  featureDim: 3,
  bundleSha256: null,
  metrics: { after: { t2i: { r1: 0.5 } } },
  heads: new Uint8Array([1, 2, 3, 4]),
  images: new Map([[mediaId, new Float32Array([0.6, 0.8])]]),
  texts: new Map([[captionId, new Float32Array([0.8, 0.6])]]),
});

describe('version queries (migration 6)', () => {
  it('stores a version with its heads, metrics and embeddings, and switches the active version by one setting', () => {
    const { base, mediaId, captionId } = seed();
    expect(store.versions.pairs()).toEqual([{ captionId, mediaId, review: 'unreviewed' }]);
    expect(store.versions.activeId()).toBeUndefined();
    const id = store.transaction(() => store.versions.createVersion(version(base.id, mediaId, captionId), 42));
    expect(store.modelVersions.byId(id)).toMatchObject({ name: 'bundle+ft1', parentId: base.id, createdAt: 42 });
    expect([...store.versions.heads(id)!]).toEqual([1, 2, 3, 4]);
    expect(store.versions.heads(base.id)).toBeUndefined();
    expect(store.versions.metrics(id)).toEqual({ after: { t2i: { r1: 0.5 } } });
    expect([...store.curation.embeddings(id, 'image').get(mediaId)!]).toEqual([0.6000000238418579, 0.800000011920929]);
    store.versions.setActive(id);
    expect(store.versions.activeId()).toBe(id);
  });

  it('leaves nothing behind when the version transaction fails part-way (its last row names no caption)', () => {
    const { base, mediaId, captionId } = seed();
    const bad = version(base.id, mediaId, captionId, 'bundle+ft2');
    bad.texts.set(9999, new Float32Array([1, 0]));
    expect(() => store.transaction(() => store.versions.createVersion(bad))).toThrow(/FOREIGN KEY/i);
    expect(store.modelVersions.list().map((v) => v.name)).toEqual(['bundle']);
    expect(store.curation.embeddings(2, 'image').size).toBe(0);
    expect(store.versions.heads(2)).toBeUndefined();
  });

  it('lists the features of items a version has no embedding for yet (imports after a fine-tune)', () => {
    const { base, mediaId, captionId } = seed();
    const id = store.transaction(() => store.versions.createVersion(version(base.id, mediaId, captionId)));
    expect(store.versions.missing(base.id, id)).toEqual({ images: new Map(), captions: new Map() });
    const later = store.media.upsert({
      path: '/p/b.jpg',
      root: '/p',
      contentHash: 'h2',
      size: 1,
      mtimeMs: 1,
      kind: 'jpeg',
    });
    store.vectors.upsertFeature(base.id, { mediaId: later }, new Float32Array([7, 8, 9]));
    const missing = store.versions.missing(base.id, id);
    expect([...missing.images.keys()]).toEqual([later]);
    expect([...missing.images.get(later)!]).toEqual([7, 8, 9]);
    expect(missing.captions.size).toBe(0);
  });
});
