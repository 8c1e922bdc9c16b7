import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../store/test-support/temp-dir';
import { ImportSession } from './import-session';
import { patternImage } from './test-images';

const TINY = join(__dirname, '../../../test/fixtures/tiny-albef');

let tmp: ReturnType<typeof makeTempDir>;
let data: string;
beforeEach(async () => {
  tmp = makeTempDir('pairscope-pairs-');
  data = join(tmp.dir, 'data');
  mkdirSync(join(data, 'images'), { recursive: true });
  for (let i = 0; i < 4; i++) writeFileSync(join(data, 'images', `${i}.png`), await patternImage(i + 10, 'png'));
  writeFileSync(join(tmp.dir, 'outside.png'), await patternImage(99, 'png'));
});
afterEach(() => tmp.remove());

describe('pairs import', () => {
  it('imports valid rows of a dataset manifest, names file and line of each invalid row, and changes nothing when run again', async () => {
    const manifest = join(data, 'train.jsonl');
    writeFileSync(
      manifest,
      [
        '{"image":"images/0.png","caption":"grinning face","id":"1f600","style":"noto"}',
        '{"image":"images/0.png","caption":"a happy face","id":"1f600b"}',
        '{"image":"images/1.png","caption":"red apple","id":"1f34e"}',
        '{"image":"images/2.png","caption":',
        '{"image":"../outside.png","caption":"escaped"}',
        '{"image":"images/missing.png","caption":"missing"}',
        '{"image":"images/3.png","caption":""}',
        '{"image":"images/3.png","caption":"green apple"}',
      ].join('\n'),
    );
    const s = await ImportSession.open({ library: join(tmp.dir, 'lib'), bundleDir: TINY });
    try {
      const first = await s.ingest.finished(s.ingest.importPairs(manifest));
      expect(first.state).toBe('done');
      expect([first.pairsImported, first.pairsSkipped, first.imported]).toEqual([4, 0, 3]);
      expect(first.failedFiles).toEqual([
        { path: `${manifest}:line 4`, reason: expect.stringMatching(/^not valid JSON \(/) },
        { path: `${manifest}:line 7`, reason: '"caption" is empty' },
        {
          path: `${manifest}:line 5`,
          reason: `image path escapes the declared roots: ../outside.png (roots: ${data})`,
        },
        { path: `${manifest}:line 6`, reason: 'image not found under the declared roots: images/missing.png' },
      ]);
      const img0 = s.store.media.byPath(join(data, 'images/0.png'))!;
      expect(s.store.captions.forMedia(img0.id).map((c) => [c.text, c.sourceLine, c.source])).toEqual([
        ['grinning face', 1, `jsonl:${manifest}`],
        ['a happy face', 2, `jsonl:${manifest}`],
      ]);
      expect(s.captions.size).toBe(4); // every caption got a text vector in the caption index
      expect(s.images.size).toBe(3);

      const again = await s.ingest.finished(s.ingest.importPairs(manifest));
      expect([again.pairsImported, again.pairsSkipped, again.imported, again.skipped]).toEqual([0, 4, 0, 3]);
      expect([s.store.media.count(), s.captions.size, s.images.size]).toEqual([3, 4, 3]);
    } finally {
      await s.close();
    }
  });

  it('reads a CSV with an explicit root and an ALBEF json with caption lists', async () => {
    const csv = join(tmp.dir, 'pairs.csv');
    writeFileSync(csv, 'image,caption\nimages/0.png,"a face, smiling"\nimages/1.png,an apple\n/etc/passwd,nope\n');
    const albef = join(data, 'albef.json');
    writeFileSync(albef, JSON.stringify([{ image: 'images/2.png', caption: ['one', 'two'] }], null, 2));
    const s = await ImportSession.open({ library: join(tmp.dir, 'lib.pairscope'), bundleDir: TINY });
    try {
      const a = await s.ingest.finished(s.ingest.importPairs(csv, [data]));
      expect([a.pairsImported, a.failedFiles]).toEqual([
        2,
        [{ path: `${csv}:line 4`, reason: `image path escapes the declared roots: /etc/passwd (roots: ${data})` }],
      ]);
      const b = await s.ingest.finished(s.ingest.importPairs(albef));
      expect([b.pairsImported, b.imported, b.failedFiles]).toEqual([2, 1, []]);
    } finally {
      await s.close();
    }
  });
});
