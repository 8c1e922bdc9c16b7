import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CaptionQueries } from './caption-queries';
import { openLibraryDatabase } from './library-database';
import { LibraryStore } from './library-store';
import { MediaQueries } from './media-queries';
import { migrations } from './migrations';
import { useTempDir } from './test-support/temp-dir';

const tmp = useTempDir('pairscope-curation-store-');

describe('curation store (migration 4)', () => {
  it('keeps every correction of a version-3 library, with its id, and undoes a pre-migration event by its action', () => {
    const file = join(tmp.dir, 'old.db');
    const v3 = openLibraryDatabase(file, { migrations: migrations.slice(0, 3) });
    const mediaId = new MediaQueries(v3.db).upsert({
      path: '/p/a.jpg',
      root: '/p',
      contentHash: 'h',
      size: 1,
      mtimeMs: 1,
      kind: 'jpeg',
    });
    const captions = new CaptionQueries(v3.db);
    const captionId = captions.upsert({ mediaId, source: 'csv:x', text: 'red apple' }, 10);
    captions.correct(captionId, 'accept', 'ann', undefined, 20);
    captions.correct(captionId, 'edit', 'ann', 'green apple', 30);
    v3.close();

    const store = LibraryStore.open(file);
    try {
      expect(store.schemaVersion).toBe(migrations.length);
      expect(
        store.curation.events().map((e) => [e.id, e.action, e.oldText, e.newText, e.oldState, e.createdAt]),
      ).toEqual([
        [1, 'accept', 'red apple', 'red apple', null, 20],
        [2, 'edit', 'red apple', 'green apple', null, 30],
      ]);
      const [undo] = store.curation.undo(captionId, 'bob', 40)!;
      expect([undo.undoes, undo.newText, undo.newState]).toEqual([2, 'red apple', 'accepted']);
      expect(store.captions.byId(captionId)).toMatchObject({
        text: 'red apple',
        currentText: 'red apple',
        reviewState: 'accepted',
      });
      // S's own correct() keeps working on the rebuilt table.
      store.captions.correct(captionId, 'reject', 'ann', undefined, 50);
      expect(store.captions.byId(captionId)!.reviewState).toBe('rejected');
    } finally {
      store.close();
    }
  });

  it('refuses a score outside [0, 1] and an empty new caption, naming the caption', () => {
    const store = LibraryStore.open(join(tmp.dir, 'new.db'));
    try {
      const mediaId = store.media.upsert({
        path: '/p/b.jpg',
        root: '/p',
        contentHash: 'h',
        size: 1,
        mtimeMs: 1,
        kind: 'jpeg',
      });
      const captionId = store.captions.upsert({ mediaId, source: 's', text: 'cat' });
      const mv = store.modelVersions.ensure({ name: 'm', embedDim: 2, featureDim: 2, bundleSha256: null }).id;
      const row = { captionId, score: 1.5, partsJson: '{}', suggestionsJson: '{}', scoredText: 'cat' };
      expect(() => store.curation.putScore(mv, row)).toThrow(
        `pair score of caption ${captionId} is 1.5, not in [0, 1]`,
      );
      expect(() =>
        store.curation.record({ captionId, action: 'edit', newText: ' ', newState: 'corrected', author: 'a' }),
      ).toThrow(`caption ${captionId}: the new caption text is empty`);
      expect(store.curation.events()).toEqual([]);
    } finally {
      store.close();
    }
  });
});
