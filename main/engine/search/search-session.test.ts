import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Embedder } from '../model/embedder';
import type { ManifestRow } from '../model/retrieval-eval';
import { LibraryStore } from '../store/library-store';
import { makeTempDir } from '../store/test-support/temp-dir';
import { isSearchError } from './search-error';
import { calibrationKey, openSearchSession } from './search-session';
import { ModelQueryEncoder } from './model-query-encoder';
import { importManifest } from './store-eval';

const bundle = fileURLToPath(new URL('../../../test/fixtures/tiny-albef', import.meta.url));
let tmp: ReturnType<typeof makeTempDir>;
let embedder: Embedder;
let file: string;

beforeAll(async () => {
  tmp = makeTempDir('pairscope-session-');
  embedder = await Embedder.open(bundle, { providers: ['cpu'] });
  const rows: ManifestRow[] = [];
  for (let i = 0; i < 12; i++) {
    const image = join(tmp.dir, `${i}.png`);
    const background = { r: (i * 90) % 256, g: (i * 40) % 256, b: 255 - i * 20 };
    await sharp({ create: { width: 40, height: 32 + i, channels: 3, background } })
      .png()
      .toFile(image);
    rows.push({ image, caption: ['a red car', 'a blue tree', 'a small dog'][i % 3]!, id: String(i), line: i + 1 });
  }
  file = join(tmp.dir, 'lib.pairscope');
  const store = LibraryStore.open(file);
  const mv = store.modelVersions.ensure({ name: 'tiny-albef', embedDim: 16, featureDim: 32 }).id;
  await importManifest(store, embedder, mv, rows);
  // A stored calibration that halves every margin: the session must apply it.
  store.settings.set(calibrationKey('tiny-albef'), { temperature: 2, bias: 0, fittedOn: 100 });
  store.close();
});
afterAll(async () => {
  await embedder.dispose();
  tmp.remove();
});

describe('openSearchSession with the tiny ALBEF bundle', () => {
  it('re-ranks with real ITM logits into calibrated probabilities, caching image tokens on disk', async () => {
    const encoder = new ModelQueryEncoder(embedder, 'tiny-albef');
    let imageEncodes = 0;
    const counting = {
      ...encoder,
      embedText: encoder.embedText.bind(encoder),
      itmLogits: encoder.itmLogits.bind(encoder),
      modelVersion: encoder.modelVersion,
      embedDim: encoder.embedDim,
      embedImage: (input: string | Uint8Array) => {
        imageEncodes++;
        return encoder.embedImage(input);
      },
    };
    const cacheDir = join(tmp.dir, 'tokens');
    const session = openSearchSession(file, counting, { tokenCacheDir: cacheDir, tokenCacheBytes: 1 << 20 });
    try {
      expect(session.indexStatus.images).toMatchObject({ state: 'rebuilt', reason: 'missing', elementCount: 12 });
      const r = await session.search.search({ text: 'a red car', rerank: { topK: 6 }, minScore: 0, limit: 6 });
      expect(r.scoreKind).toBe('match-probability');
      expect(r.items).toHaveLength(6);
      // Each score is σ((ℓ1 − ℓ0)/2) of the real fusion graph's logits for that image.
      const tokens = await encoder.embedImage(r.items[0]!.path);
      const logits = await encoder.itmLogits('a red car', [tokens.tokens]);
      expect(r.items[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-(logits[1]! - logits[0]!) / 2)), 5);
      for (let i = 1; i < 6; i++) expect(r.items[i]!.score).toBeLessThanOrEqual(r.items[i - 1]!.score);
      expect(imageEncodes).toBe(6);
      expect(readdirSync(cacheDir)).toHaveLength(6);
      await session.search.search({ text: 'a red car', rerank: { topK: 6 }, limit: 6 });
      expect(imageEncodes).toBe(6);
    } finally {
      session.close();
    }
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('names the model versions a library has when the bundle does not match', () => {
    const store = LibraryStore.open(file);
    store.modelVersions.ensure({ name: 'other@1', embedDim: 16, featureDim: 32 });
    store.close();
    let caught: unknown;
    try {
      openSearchSession(file, new ModelQueryEncoder(embedder, 'not-there'));
    } catch (e) {
      caught = e;
    }
    expect(isSearchError(caught, 'UNKNOWN_ITEM')).toBe(true);
    expect((caught as Error).message).toBe(
      `Library ${file} has no embeddings for model version "not-there" (it has: tiny-albef, other@1)`,
    );
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});
