import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../cli';
import { LibraryStore } from '../engine/store/library-store';
import { makeTempDir } from '../engine/store/test-support/temp-dir';
import { libraryFiles } from '../engine/ingest/import-session';
import { patternImage } from '../engine/ingest/test-images';
import { parseJsonPairs } from '../engine/ingest/pairs/json-formats';
import { parseCsvPairs } from '../engine/ingest/pairs/csv';

const TINY = join(__dirname, '../../test/fixtures/tiny-albef');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t + '\n'), stderr: (t) => (err += t + '\n') });
  return { code, out, err };
}

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(async () => {
  tmp = makeTempDir('pairscope-cli-');
  mkdirSync(join(tmp.dir, 'data/img'), { recursive: true });
  for (let i = 0; i < 3; i++) writeFileSync(join(tmp.dir, 'data/img', `${i}.jpg`), await patternImage(i + 20, 'jpeg'));
  writeFileSync(join(tmp.dir, 'data/img/bad.jpg'), 'not a jpeg');
  writeFileSync(
    join(tmp.dir, 'data/pairs.jsonl'),
    [
      '{"image":"img/0.jpg","caption":"a red ball"}',
      '{"image":"img/1.jpg","caption":"a blue car"}',
      '{"image":"img/2.jpg","caption":"a "broken line}',
      '{"image":"img/2.jpg","caption":"a green tree"}',
    ].join('\n'),
  );
});
afterEach(() => tmp.remove());

describe('pairscope import / export', () => {
  it('imports a folder into a new library and prints the JSON summary', async () => {
    const lib = join(tmp.dir, 'lib');
    const r = await run(['import', '--library', lib, '--model', TINY, join(tmp.dir, 'data/img'), '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect([s.state, s.imported, s.skipped, s.failed]).toEqual([
      'done',
      3,
      0,
      [
        {
          path: join(tmp.dir, 'data/img/bad.jpg'),
          reason: 'not an image: the content is text, although the name ends in .jpg',
        },
      ],
    ]);
    const again = JSON.parse(
      (await run(['import', '--library', lib, '--model', TINY, join(tmp.dir, 'data/img'), '--json'])).out,
    );
    expect([again.imported, again.skipped]).toEqual([0, 3]);
  });

  it('refuses a missing --library and a file that is neither folder nor pairs file, with usage', async () => {
    expect((await run(['import', join(tmp.dir, 'data')])).code).toBe(2);
    const r = await run(['import', '--library', join(tmp.dir, 'lib'), join(tmp.dir, 'data/img/0.jpg')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('is neither a folder nor a pairs file');
  });

  it('exports pairs with corrections applied in all four formats, and the JSONL export imports back', async () => {
    const lib = join(tmp.dir, 'lib');
    const imp = JSON.parse(
      (await run(['import', '--library', lib, '--model', TINY, join(tmp.dir, 'data/pairs.jsonl'), '--json'])).out,
    );
    expect([imp.imported, imp.failed.map((f: { path: string }) => f.path)]).toEqual([
      3,
      [`${join(tmp.dir, 'data/pairs.jsonl')}:line 3`],
    ]);
    const store = LibraryStore.open(libraryFiles(lib).dbFile);
    const car = store.captions.forMedia(store.media.byPath(join(tmp.dir, 'data/img/1.jpg'))!.id)[0]!;
    store.captions.correct(car.id, 'edit', 'tester', 'a blue sports car');
    const ball = store.captions.forMedia(store.media.byPath(join(tmp.dir, 'data/img/0.jpg'))!.id)[0]!;
    store.captions.correct(ball.id, 'reject', 'tester');
    store.close();

    const out = join(tmp.dir, 'data');
    const names = { jsonl: 'export.jsonl', csv: 'export.csv', coco: 'export-coco.json', albef: 'export-albef.json' };
    for (const [format, name] of Object.entries(names)) {
      const r = await run(['export', '--library', lib, '--format', format, join(out, name), '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ pairs: 3, images: 3 });
    }
    const jsonl = readFileSync(join(out, 'export.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(jsonl.map((p) => [p.image, p.caption, p.original_caption, p.review_state])).toEqual([
      ['img/0.jpg', 'a red ball', undefined, 'rejected'],
      ['img/1.jpg', 'a blue sports car', 'a blue car', 'corrected'],
      ['img/2.jpg', 'a green tree', undefined, 'unreviewed'],
    ]);
    const coco = parseJsonPairs(readFileSync(join(out, 'export-coco.json'), 'utf8'), 'coco');
    expect([coco.format, coco.rows.map((r) => r.caption)]).toEqual([
      'coco',
      ['a red ball', 'a blue sports car', 'a green tree'],
    ]);
    const albef = parseJsonPairs(readFileSync(join(out, 'export-albef.json'), 'utf8'), 'albef');
    expect([albef.format, albef.rows.length, albef.problems]).toEqual(['albef', 3, []]);
    const csv = parseCsvPairs(readFileSync(join(out, 'export.csv'), 'utf8'), 'csv');
    expect(csv.rows.map((r) => r.caption)).toEqual(['a red ball', 'a blue sports car', 'a green tree']);

    // Round trip: the JSONL export (rejected left out) is itself an importable pairs file.
    await run(['export', '--library', lib, '--format', 'jsonl', '--skip-rejected', join(out, 'curated.jsonl')]);
    const back = JSON.parse(
      (await run(['import', '--library', join(tmp.dir, 'lib2'), '--model', TINY, join(out, 'curated.jsonl'), '--json']))
        .out,
    );
    expect([back.imported, back.failed]).toEqual([2, []]);
  });
});
