import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LibraryStore } from './library-store';
import { makeTempDir } from './test-support/temp-dir';

let tmp: ReturnType<typeof makeTempDir>;
let store: LibraryStore;
beforeEach(() => {
  tmp = makeTempDir();
  store = LibraryStore.open(join(tmp.dir, 'lib.db'));
});
afterEach(() => {
  store.close();
  tmp.remove();
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
