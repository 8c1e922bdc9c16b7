import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsvPairs } from './csv';
import { parseJsonlPairs } from './jsonl';
import { parseJsonPairs } from './json-formats';
import { ImageRoots } from './image-roots';
import { readPairsFile } from './pairs-file';

describe('CSV pairs', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and names the line of each bad row', () => {
    const csv = [
      'id,image,caption,noisy',
      '1,a.jpg,"a dog, running",0',
      '2,b.jpg,"she said ""hi""',
      'on two lines",1',
      '3,,"no image",0',
      '4,d.jpg,,0',
      '5,e.jpg,too,many,fields',
      '6,f.jpg,last one,1',
    ].join('\r\n');
    const { rows, problems } = parseCsvPairs(csv, 'p.csv');
    expect(rows).toEqual([
      { image: 'a.jpg', caption: 'a dog, running', externalId: '1', extra: { noisy: '0' }, location: 'line 2' },
      {
        image: 'b.jpg',
        caption: 'she said "hi"\non two lines',
        externalId: '2',
        extra: { noisy: '1' },
        location: 'line 3',
      },
      { image: 'f.jpg', caption: 'last one', externalId: '6', extra: { noisy: '1' }, location: 'line 8' },
    ]);
    expect(problems).toEqual([
      { file: 'p.csv', location: 'line 5', reason: 'missing "image"' },
      { file: 'p.csv', location: 'line 6', reason: 'missing "caption"' },
      { file: 'p.csv', location: 'line 7', reason: 'expected 4 fields as in the header, found 5' },
    ]);
  });

  it('detects tab separators and header spellings, and reports an unterminated quote with its line', () => {
    const { rows, problems } = parseCsvPairs('File Name\tTitle\nx.png\tred apple\ny.png\t"broken\nz.png\tz\n', 'p.tsv');
    expect(rows).toEqual([{ image: 'x.png', caption: 'red apple', location: 'line 2' }]);
    expect(problems).toEqual([
      {
        file: 'p.tsv',
        location: 'line 3',
        reason: 'unterminated quoted field (a " is opened and never closed); the rest of the file is not read',
      },
    ]);
  });

  it('refuses a header without image and caption columns, naming what it found', () => {
    expect(parseCsvPairs('a,b\n1,2\n', 'p.csv').problems).toEqual([
      {
        file: 'p.csv',
        location: 'line 1',
        reason:
          'the header row has no an image column (image/image_path/imagepath/img…) and a caption column (caption/text/title/label…); found columns: a, b',
      },
    ]);
  });
});

describe('JSON Lines pairs', () => {
  it('reads the dataset manifest format and reports broken lines by number', () => {
    const text = [
      '{"image":"images/noto/1f600.png","caption":"grinning face","caption_tags":"face, grin","id":"1f600","style":"noto"}',
      '{"image":"images/noto/1f601.png","caption":',
      '',
      '{"image":"x.png","caption":42}',
      '[1,2]',
      '{"product":"p/1.jpg","caption":"steel claw hammer"}',
    ].join('\n');
    const { rows, problems } = parseJsonlPairs(text, 'm.jsonl');
    expect(rows).toEqual([
      {
        image: 'images/noto/1f600.png',
        caption: 'grinning face',
        externalId: '1f600',
        extra: { caption_tags: 'face, grin', style: 'noto' },
        location: 'line 1',
      },
      { image: 'p/1.jpg', caption: 'steel claw hammer', location: 'line 6' },
    ]);
    expect(problems.map((p) => [p.location, p.reason.replace(/\(.*\)/, '(…)')])).toEqual([
      ['line 2', 'not valid JSON (…)'],
      ['line 4', '"caption" must be a string, got number'],
      ['line 5', 'expected an object, got an array'],
    ]);
  });
});

describe('JSON pair formats', () => {
  it('reads ALBEF json with caption lists, one pair per caption, with pointer and line for bad entries', () => {
    const text =
      '[\n  {"image": "a.jpg", "caption": ["one", "two"]},\n  {"image": "b.jpg"},\n  {"image": "c.jpg", "caption": ["ok", ""]}\n]';
    const { rows, problems, format } = parseJsonPairs(text, 'train.json');
    expect(format).toBe('albef');
    expect(rows.map((r) => [r.image, r.caption, r.location])).toEqual([
      ['a.jpg', 'one', '/0 (line 2) caption[0]'],
      ['a.jpg', 'two', '/0 (line 2) caption[1]'],
      ['c.jpg', 'ok', '/2 (line 4) caption[0]'],
    ]);
    expect(problems).toEqual([
      { file: 'train.json', location: '/1 (line 3)', reason: 'missing "caption"' },
      { file: 'train.json', location: '/2 (line 4) caption[1]', reason: '"caption" is empty' },
    ]);
  });

  it('reads COCO captions, joining annotations to images and reporting unknown image ids', () => {
    const doc = {
      images: [{ id: 7, file_name: 'x/7.jpg' }, { id: 8 }],
      annotations: [
        { id: 1, image_id: 7, caption: 'A man on a horse.' },
        { id: 2, image_id: 9, caption: 'lost' },
      ],
    };
    const { rows, problems, format } = parseJsonPairs(JSON.stringify(doc, null, 1), 'captions.json');
    expect(format).toBe('coco');
    expect(rows).toEqual([
      { image: 'x/7.jpg', caption: 'A man on a horse.', externalId: '1', location: '/annotations/0 (line 12)' },
    ]);
    expect(problems).toEqual([
      { file: 'captions.json', location: '/images/1 (line 7)', reason: 'missing "file_name"' },
      { file: 'captions.json', location: '/annotations/1 (line 17)', reason: '"image_id" 9 is not in "images"' },
    ]);
  });

  it('reads AliProducts-style {caption, product} lists', () => {
    const { rows, format } = parseJsonPairs('[{"caption":"red kettle","product":"k/1.jpg","class_id":3}]', 'ali.json');
    expect(format).toBe('aliproducts');
    expect(rows).toEqual([
      { image: 'k/1.jpg', caption: 'red kettle', extra: { class_id: 3 }, location: '/0 (line 1)' },
    ]);
  });
});

describe('ImageRoots', () => {
  let base: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'roots-'));
    mkdirSync(join(base, 'root/sub'), { recursive: true });
    writeFileSync(join(base, 'root/sub/in.png'), 'x');
    writeFileSync(join(base, 'secret.png'), 'x');
    symlinkSync(join(base, 'secret.png'), join(base, 'root/out.png'));
    symlinkSync('sub/in.png', join(base, 'root/alias.png'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('resolves paths inside the root, including symlinks that stay inside', async () => {
    const roots = await ImageRoots.open([join(base, 'root')]);
    expect(await roots.resolve('sub/in.png')).toEqual({
      ok: true,
      path: join(base, 'root/sub/in.png'),
      root: join(base, 'root'),
    });
    expect(await roots.resolve('alias.png')).toMatchObject({ ok: true, path: join(base, 'root/sub/in.png') });
    expect(await roots.resolve(join(base, 'root/sub/in.png'))).toMatchObject({ ok: true });
    expect(await roots.resolve('sub/../sub/in.png')).toMatchObject({ ok: true });
  });

  it('refuses .., absolute paths and symlinks that leave the root, and URLs', async () => {
    const roots = await ImageRoots.open([join(base, 'root')]);
    expect(await roots.resolve('../secret.png')).toEqual({
      ok: false,
      reason: `image path escapes the declared roots: ../secret.png (roots: ${join(base, 'root')})`,
    });
    expect(await roots.resolve(join(base, 'secret.png'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^image path escapes the declared roots: /),
    });
    expect(await roots.resolve('out.png')).toEqual({
      ok: false,
      reason: `image path escapes the declared roots through a symlink: out.png → ${join(base, 'secret.png')}`,
    });
    expect(await roots.resolve('https://example.com/a.png')).toEqual({
      ok: false,
      reason: 'remote images are not fetched: https://example.com/a.png',
    });
    expect(await roots.resolve('nope.png')).toEqual({
      ok: false,
      reason: 'image not found under the declared roots: nope.png',
    });
  });

  it('dispatches a .json file of one object per line to the JSON Lines reader', async () => {
    writeFileSync(join(base, 'lines.json'), '{"image":"a.png","caption":"a"}\n{"image":"b.png","caption":"b"}\n');
    const parsed = await readPairsFile(join(base, 'lines.json'));
    expect([parsed.format, parsed.rows.length, parsed.problems]).toEqual(['jsonl', 2, []]);
  });
});
