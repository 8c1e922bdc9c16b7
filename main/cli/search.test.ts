import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { Embedder } from '../engine/model/embedder';
import { LibraryStore } from '../engine/store/library-store';
import { makeTempDir } from '../engine/store/test-support/temp-dir';
import { exactTopK } from '../engine/vector/exact-search';

const bundle = fileURLToPath(new URL('../../test/fixtures/tiny-albef', import.meta.url));
let tmp: ReturnType<typeof makeTempDir>;
let library: string;
const files: string[] = [];
const embeddings = new Map<string, Float32Array>();
let embedder: Embedder;

/** A library of 40 real PNGs embedded by the tiny ALBEF bundle (random weights: the ranking is arbitrary but fixed). */
beforeAll(async () => {
  tmp = makeTempDir('pairscope-cli-search-');
  library = join(tmp.dir, 'photos.pairscope');
  for (let i = 0; i < 40; i++) {
    const f = join(tmp.dir, `photo-${i}.png`);
    const background = { r: (i * 53) % 256, g: (i * 97) % 256, b: (i * 29) % 256 };
    await sharp({ create: { width: 24 + i, height: 20 + (i % 7), channels: 3, background } })
      .png()
      .toFile(f);
    files.push(f);
  }
  embedder = await Embedder.open(bundle, { providers: ['cpu'] });
  const results = await embedder.embedImages(files);
  const store = LibraryStore.open(library);
  const mv = store.modelVersions.ensure({ name: 'tiny-albef', embedDim: 16, featureDim: 32 }).id;
  store.transaction(() => {
    results.forEach((r, i) => {
      if (!r.ok) throw new Error(r.error.message);
      const mediaId = store.media.upsert({
        path: files[i]!,
        root: tmp.dir,
        contentHash: `h${i}`,
        size: 1,
        mtimeMs: i,
        kind: 'png',
      });
      store.vectors.upsertImage(mv, mediaId, r.value.emb);
      embeddings.set(files[i]!, r.value.emb);
    });
  });
  store.close();
});
afterAll(async () => {
  await embedder.dispose();
  tmp.remove();
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['search', ...args], { stdout: (t) => (out += t + '\n'), stderr: (t) => (err += t + '\n') });
  return { code, out, err };
}

describe('pairscope search', () => {
  it('searches a library folder made by pairscope import: images by text, captions by image', async () => {
    const lib = join(tmp.dir, 'imported-lib');
    const data = join(tmp.dir, 'pairs-data');
    mkdirSync(data);
    const captions = ['a red cat', 'a blue car', 'a green tree', 'a small dog'];
    for (let i = 0; i < 4; i++) await sharp(files[i * 7]!).toFile(join(data, `${i}.png`));
    writeFileSync(
      join(data, 'pairs.jsonl'),
      captions.map((c, i) => JSON.stringify({ image: `${i}.png`, caption: c })).join('\n'),
    );
    const imported = await main(['import', '--library', lib, '--model', bundle, '--json', join(data, 'pairs.jsonl')], {
      stdout: () => {},
      stderr: () => {},
    });
    expect(imported).toBe(0);

    const text = await run(['--library', lib, '--model', bundle, '--text', 'a blue car', '--json']);
    expect(text.code).toBe(0);
    const images = JSON.parse(text.out) as { rank: number; path: string; score: number }[];
    expect(images.map((h) => h.rank)).toEqual([1, 2, 3, 4]);
    expect(images.map((h) => h.path).sort()).toEqual([0, 1, 2, 3].map((i) => join(data, `${i}.png`)));

    const byImage = await run([
      '--library',
      lib,
      '--model',
      bundle,
      '--like',
      join(data, '2.png'),
      '--captions',
      '--json',
    ]);
    expect(byImage.code).toBe(0);
    const hits = JSON.parse(byImage.out) as { path: string; text: string; score: number }[];
    expect(hits.map((h) => h.text).sort()).toEqual([...captions].sort());
    expect(hits.every((h) => typeof h.score === 'number')).toBe(true);
  });

  it('prints a JSON list in rank order with path and score, equal to exact search on the embedder’s own vectors', async () => {
    const { code, out, err } = await run([
      '--library',
      library,
      '--bundle',
      bundle,
      '--text',
      'a red square',
      '--limit',
      '10',
      '--json',
    ]);
    // First open of this library: no graph stored yet, so the index is built from the rows — and it says so.
    expect(err).toMatch(
      /^pairscope search: images index rebuilt \(missing: no stored graph for 40 vectors\) in \d+ ms\n$/,
    );
    expect(code).toBe(0);
    const items = JSON.parse(out) as { rank: number; path: string; score: number }[];
    expect(items.map((h) => h.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const [t] = await embedder.embedTexts(['a red square']);
    const truth = exactTopK(
      (t as { value: { emb: Float32Array } }).value.emb,
      files.map((f, i) => ({ label: i, vector: embeddings.get(f)! })),
      10,
    );
    expect(items.map((h) => h.path)).toEqual(truth.map((n) => files[n.label]));
    items.forEach((h, i) => expect(h.score).toBeCloseTo(truth[i]!.score, 5));
  });

  it('searches with an image file, and says clearly when the file is not an image', async () => {
    const ok = await run(['--library', library, '--bundle', bundle, '--image', files[5]!, '--limit', '1', '--json']);
    expect(ok.code).toBe(0);
    expect(ok.err).toBe(''); // the graph stored by the first run was loaded
    expect(JSON.parse(ok.out)[0].path).toBe(files[5]); // a file identical to a library image finds it first

    const notes = join(tmp.dir, 'notes.txt');
    writeFileSync(notes, 'not an image');
    const bad = await run(['--library', library, '--bundle', bundle, '--image', notes, '--json']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(new RegExp(`^pairscope search: ${notes} cannot be searched with: `));
    expect(bad.out).toBe('');
  });

  it('reports "no good match" and prints an empty list when nothing passes the cut-off', async () => {
    const r = await run([
      '--library',
      library,
      '--bundle',
      bundle,
      '--text',
      'anything',
      '--min-score',
      '0.9999',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([]);
    expect(r.err).toBe('pairscope search: no good match\n');
  });

  it('refuses an empty query and a missing library with a usage message', async () => {
    const empty = await run(['--library', library, '--bundle', bundle, '--text', '  ']);
    expect(empty.code).toBe(1);
    expect(empty.err).toBe('pairscope search: text is empty: type some words to search for\n');
    const punctuation = await run(['--library', library, '--bundle', bundle, '--text', '!!!']);
    expect(punctuation.code).toBe(1);
    expect(punctuation.err).toMatch(/^pairscope search: text cannot be searched for: /);
    const missing = await run(['--library', join(tmp.dir, 'nope.pairscope'), '--text', 'x']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--library: no library at .*nope\.pairscope\n/);
  });
});
