import { beforeEach, describe, expect, it } from 'vitest';
import { isStoreError } from './errors';
import type { LibraryStore } from './library-store';
import { useTempStore } from './test-support/temp-store';

const lib = useTempStore();
let store: LibraryStore;
beforeEach(() => (store = lib.store));

const photo = (n: number) => ({
  path: `/p/${n}.jpg`,
  root: '/p',
  contentHash: `h${n}`,
  size: n,
  mtimeMs: n,
  kind: 'jpeg',
});

describe('LibraryStore queries', () => {
  it('upserts media by path: a re-import updates the row in place', () => {
    const id = store.media.upsert(photo(1));
    expect(store.media.upsert({ ...photo(1), contentHash: 'changed', width: 640, height: 480 })).toBe(id);
    expect(store.media.count()).toBe(1);
    expect(store.media.byId(id)).toMatchObject({ contentHash: 'changed', width: 640, height: 480, camera: null });
    expect(store.media.byContentHash('changed').map((m) => m.id)).toEqual([id]);
  });

  it('keeps the imported caption and records each correction as an event', () => {
    const mediaId = store.media.upsert(photo(1));
    const id = store.captions.upsert({ mediaId, source: 'csv:a.csv', sourceLine: 7, text: 'a red bike' });
    expect(store.captions.upsert({ mediaId, source: 'csv:a.csv', sourceLine: 7, text: 'a red bike' })).toBe(id);

    store.captions.correct(id, 'edit', 'ana', 'a red bicycle', 1000);
    store.captions.correct(id, 'accept', 'ben', undefined, 2000);
    expect(store.captions.byId(id)).toMatchObject({
      text: 'a red bike',
      currentText: 'a red bicycle',
      reviewState: 'accepted',
      sourceLine: 7,
    });
    store.captions.correct(id, 'restore', 'ana', undefined, 3000);
    expect(store.captions.byId(id)).toMatchObject({ currentText: 'a red bike', reviewState: 'unreviewed' });
    expect(store.captions.corrections(id).map((c) => [c.action, c.author, c.oldText, c.newText, c.createdAt])).toEqual([
      ['edit', 'ana', 'a red bike', 'a red bicycle', 1000],
      ['accept', 'ben', 'a red bicycle', 'a red bicycle', 2000],
      ['restore', 'ana', 'a red bicycle', 'a red bike', 3000],
    ]);
  });

  it('refuses an edit without text and a correction of a missing caption, recording nothing', () => {
    const id = store.captions.upsert({ mediaId: store.media.upsert(photo(1)), source: 's', text: 't' });
    expect(() => store.captions.correct(id, 'edit', 'ana', '  ')).toThrow(
      `caption ${id}: an edit needs a non-empty new text`,
    );
    let caught: unknown;
    try {
      store.captions.correct(999, 'accept', 'ana');
    } catch (e) {
      caught = e;
    }
    expect(isStoreError(caught, 'INVALID_ROW')).toBe(true);
    expect(store.captions.corrections(id)).toEqual([]);
  });

  it('stores vectors and features as Float32 per model version; an identical re-upsert changes nothing', () => {
    const mv = store.modelVersions.ensure({ name: 'm@1', embedDim: 4, featureDim: 3 }).id;
    expect(store.modelVersions.ensure({ name: 'm@1', embedDim: 4, featureDim: 3 }).id).toBe(mv);
    const mediaId = store.media.upsert(photo(1));
    const v = new Float32Array([0.5, 0.5, 0.5, 0.5]);
    const first = store.vectors.upsertImage(mv, mediaId, v);
    expect(first.changed).toBe(true);
    const revision = store.graphs.revision(mv, 'image');
    expect(store.vectors.upsertImage(mv, mediaId, v)).toEqual({ label: first.label, changed: false });
    expect(store.graphs.revision(mv, 'image')).toBe(revision);
    expect(store.vectors.upsertImage(mv, mediaId, new Float32Array([1, 0, 0, 0]))).toEqual({
      label: first.label,
      changed: true,
    });
    expect(store.graphs.revision(mv, 'image')).toBe(revision + 1);
    expect(store.vectors.byLabels([first.label])[0]!.vector).toEqual(new Float32Array([1, 0, 0, 0]));

    store.vectors.upsertFeature(mv, { mediaId }, new Float32Array([1, 2, 3]));
    expect(store.vectors.feature(mv, { mediaId })).toEqual(new Float32Array([1, 2, 3]));
    expect(store.vectors.feature(mv, { captionId: 1 })).toBeUndefined();
  });

  it('deletes a file with its captions and vectors, and the index revision moves', () => {
    const mv = store.modelVersions.ensure({ name: 'm@1', embedDim: 2, featureDim: 2 }).id;
    const mediaId = store.media.upsert(photo(1));
    const captionId = store.captions.upsert({ mediaId, source: 's', text: 't' });
    store.vectors.upsertImage(mv, mediaId, new Float32Array([1, 0]));
    store.vectors.upsertText(mv, captionId, new Float32Array([0, 1]));
    const before = store.graphs.revision(mv, 'text');
    expect(store.media.delete(mediaId)).toBe(true);
    expect(store.captions.byId(captionId)).toBeUndefined();
    expect([store.vectors.count(mv, 'image'), store.vectors.count(mv, 'text')]).toEqual([0, 0]);
    expect(store.graphs.revision(mv, 'text')).toBe(before + 1);
  });

  it('tracks jobs with progress and a resume cursor, and lists the unfinished ones', () => {
    const a = store.jobs.create('import', { root: '/p' }, 10);
    const b = store.jobs.create('finetune', {}, 11);
    store.jobs.setState(a, 'running', null, 12);
    store.jobs.progress(a, 40, 100, '{"position":40}', 13);
    store.jobs.setState(b, 'failed', { code: 'X', message: 'boom' }, 14);
    expect(store.jobs.byId(a)).toMatchObject({
      state: 'running',
      progressDone: 40,
      progressTotal: 100,
      cursor: '{"position":40}',
      params: { root: '/p' },
    });
    expect(store.jobs.byId(b)!.error).toEqual({ code: 'X', message: 'boom' });
    expect(store.jobs.unfinished().map((j) => j.id)).toEqual([a]);
  });

  it('keeps settings as JSON values', () => {
    expect(store.settings.get('x')).toBeUndefined();
    store.settings.set('x', { t: 1.5, list: [1, 2] });
    store.settings.set('x', { t: 2 });
    expect(store.settings.get('x')).toEqual({ t: 2 });
  });

  it('rolls back a failed transaction entirely', () => {
    expect(() =>
      store.transaction(() => {
        store.media.upsert(photo(1));
        store.media.upsert({ ...photo(2), kind: '' }); // CHECK (length(kind) > 0)
      }),
    ).toThrow(/CHECK constraint failed/);
    expect(store.media.count()).toBe(0);
  });
});

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const bundle = (sha: string | null) => ({ name: 'albef-emoji-small', embedDim: 4, featureDim: 4, bundleSha256: sha });

describe('model versions are bundles, not names', () => {
  it('gives the same bundle the same version every time', () => {
    const v = store.modelVersions.ensure(bundle(A));
    expect(store.modelVersions.ensure(bundle(A)).id).toBe(v.id);
    expect(store.modelVersions.list()).toHaveLength(1);
  });

  it('starts a new version when a bundle of the same name has other bytes, keeping the old one archived', () => {
    // The bug this guards: a retrained default model under the same name reused the old version, so the old
    // model's image vectors were searched with the new model's text queries and nothing was re-embedded.
    const old = store.modelVersions.ensure(bundle(A));
    const next = store.modelVersions.ensure(bundle(B));
    expect(next.id).not.toBe(old.id);
    expect([next.name, next.bundleSha256]).toEqual(['albef-emoji-small', B]);
    expect(store.modelVersions.byId(old.id)).toMatchObject({
      name: `albef-emoji-small@${'a'.repeat(12)}`,
      bundleSha256: A,
    });
    expect(store.modelVersions.byName('albef-emoji-small')?.id).toBe(next.id);
  });

  it('gives an archived version its name back when its bundle returns', () => {
    const a = store.modelVersions.ensure(bundle(A)).id;
    const b = store.modelVersions.ensure(bundle(B)).id;
    expect(store.modelVersions.ensure(bundle(A)).id).toBe(a);
    expect(store.modelVersions.byId(b)?.name).toBe(`albef-emoji-small@${'b'.repeat(12)}`);
    expect(store.modelVersions.ensure(bundle(B)).id).toBe(b);
    expect(store.modelVersions.list()).toHaveLength(2);
  });

  it('treats an unknown hash (null) as the version already stored under the name', () => {
    const v = store.modelVersions.ensure(bundle(A)).id;
    expect(store.modelVersions.ensure(bundle(null)).id).toBe(v);
  });
});
