import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateManifest } from '../model/evaluate-bundle';
import { Embedder } from '../model/embedder';
import type { ManifestRow } from '../model/retrieval-eval';
import { LibraryStore } from '../store/library-store';
import { makeTempDir } from '../store/test-support/temp-dir';
import { VectorIndex } from '../vector/vector-index';
import { LibrarySearch } from './library-search';
import { ModelQueryEncoder } from './model-query-encoder';
import { importManifest, recallsThroughStore } from './store-eval';

const bundle = fileURLToPath(new URL('../../../test/fixtures/tiny-albef', import.meta.url));
const WORDS = ['red', 'blue', 'green', 'small', 'big', 'cat', 'dog', 'man', 'woman', 'car', 'tree', 'sky'];
let tmp: ReturnType<typeof makeTempDir>;
let embedder: Embedder;
const rows: ManifestRow[] = [];

beforeAll(async () => {
  tmp = makeTempDir('pairscope-store-eval-');
  embedder = await Embedder.open(bundle, { providers: ['cpu'] });
  for (let i = 0; i < 48; i++) {
    const image = join(tmp.dir, `${i}.png`);
    const background = { r: (i * 71) % 256, g: (i * 37) % 256, b: (i * 113) % 256 };
    await sharp({ create: { width: 32 + (i % 5) * 8, height: 32, channels: 3, background } })
      .png()
      .toFile(image);
    // Distinct word pairs, so that no two captions tokenize alike (a tie would order arbitrarily).
    const caption = `a ${WORDS[i % 12]} ${WORDS[(Math.floor(i / 12) + 1 + (i % 12)) % 12]} photo`;
    rows.push({ image, caption, id: String(i), line: i + 1 });
  }
});
afterAll(async () => {
  await embedder.dispose();
  tmp.remove();
});

describe('retrieval through the store', () => {
  it('equals pairscope eval’s ITC recalls on the same rows and bundle (the store adds no loss)', async () => {
    const report = await evaluateManifest(embedder, rows, { kTest: 1, itm: false });
    const store = LibraryStore.open(join(tmp.dir, 'eval.pairscope'));
    const mv = store.modelVersions.ensure({ name: 'tiny-albef', embedDim: 16, featureDim: 32 }).id;
    expect(await importManifest(store, embedder, mv, rows)).toEqual({ skipped: 0 });
    // exactBelow: 0 forces the HNSW path even at this size.
    const images = VectorIndex.open(store, mv, 'image', { dim: 16, exactBelow: 0 });
    const captions = VectorIndex.open(store, mv, 'text', { dim: 16, exactBelow: 0 });
    const search = new LibrarySearch({
      store,
      encoder: new ModelQueryEncoder(embedder, 'tiny-albef'),
      modelVersionId: mv,
      images,
      captions,
    });
    const through = await recallsThroughStore(search, rows);
    images.dispose();
    captions.dispose();
    store.close();
    expect(report.n).toEqual({ images: 48, texts: 48 });
    expect(through.t2i).toEqual(report.itc.t2i);
    expect(through.i2t).toEqual(report.itc.i2t);
    expect(report.itc.t2i.r10).toBeGreaterThan(0); // not a vacuous 0 = 0
  });
});
