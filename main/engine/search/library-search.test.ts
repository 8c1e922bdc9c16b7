import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../store/test-support/temp-dir';
import { isSearchError } from './search-error';
import { makeConceptLibrary } from './test-support/concept-library';

const tmp = useTempDir('pairscope-search-');
let lib: Awaited<ReturnType<typeof makeConceptLibrary>>;
beforeEach(async () => (lib = await makeConceptLibrary(tmp.dir, 200, { exactFilterMax: 30 })));
afterEach(() => lib.close());

const conceptOf = (path: string) => lib.encoder.imageConcepts.get(path)!.split(' ').sort().join(' ');

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('LibrarySearch', () => {
  it('finds images for words, best first, every result with a score', async () => {
    const r = await lib.search.search({ text: 'red bicycle', limit: 5 });
    expect(r.strategy).toBe('hnsw');
    expect(r.scoreKind).toBe('cosine');
    expect(r.items.map((h) => h.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(r.items.slice(0, 4).map((h) => conceptOf(h.path))).toEqual(Array(4).fill('bicycle red'));
    expect(r.items[0]!.score).toBeCloseTo(1, 5);
    for (let i = 1; i < r.items.length; i++) expect(r.items[i]!.score).toBeLessThanOrEqual(r.items[i - 1]!.score);
  });

  it('finds similar images for a library item, leaving the item itself out', async () => {
    const self = lib.items[12]!; // concept "bicycle blue" (12 % 10 = 2, floor(12 / 10) = 1); three twins
    const r = await lib.search.search({ image: { libraryPath: self.path }, limit: 3 });
    expect(r.items.map((h) => h.path)).not.toContain(self.path);
    expect(r.items.map((h) => conceptOf(h.path))).toEqual(Array(3).fill(conceptOf(self.path)));
  });

  it('searches with a dropped image file, and names a dropped file that is not an image', async () => {
    const dropped = lib.items[3]!.path;
    const r = await lib.search.search({ image: { file: dropped }, limit: 1 });
    expect(conceptOf(r.items[0]!.path)).toBe(conceptOf(dropped));

    const notImage = join(tmp.dir, 'notes.txt');
    writeFileSync(notImage, 'shopping list: milk, eggs');
    const before = lib.store.media.count();
    const e = await rejection(lib.search.search({ image: { file: notImage } }));
    expect(isSearchError(e, 'NOT_AN_IMAGE')).toBe(true);
    expect((e as Error).message).toMatch(new RegExp(`^${notImage} cannot be searched with: `));
    expect(lib.store.media.count()).toBe(before);
  });

  it('finds captions for an image (image → text)', async () => {
    const r = await lib.search.search({ image: { libraryPath: lib.items[21]!.path }, target: 'captions', limit: 2 });
    // items[21]: 'blue' (21 % 10 = 1) and 'bicycle' (floor(21/10) = 2): its caption and its twin's rank first
    expect(r.items.map((h) => h.text!.replace(', corrected', ''))).toEqual(
      expect.arrayContaining(['a photo of blue and bicycle']),
    );
    expect(r.items[0]!.captionId).toBeGreaterThan(0);
    expect(r.items[0]!.score).toBeGreaterThan(0.99);
  });

  it('mixes text and image, and a negative term pushes its concept down', async () => {
    const plain = await lib.search.search({ text: 'dog', limit: 20 });
    const withoutBeach = await lib.search.search({
      text: 'dog',
      negativeText: 'beach',
      weights: { negative: 0.8 },
      limit: 20,
    });
    const beachCount = (hs: { path: string }[]) => hs.filter((h) => conceptOf(h.path).includes('beach')).length;
    expect(beachCount(plain.items)).toBeGreaterThan(0);
    expect(beachCount(withoutBeach.items)).toBe(0);

    const mixed = await lib.search.search({ text: 'snow', image: { libraryPath: lib.items[4]!.path }, limit: 2 });
    // items[4] is "dog red": text "snow" + that image → an image with snow (and dog or red) comes first
    expect(conceptOf(mixed.items[0]!.path)).toMatch(/snow/);
  });

  it('filters by folder, date range, kind and review state, exactly when selective and via HNSW when broad', async () => {
    const home = await lib.search.search({ text: 'cat', filter: { folder: join(tmp.dir, 'home') }, limit: 50 });
    expect(home.strategy).toBe('hnsw-filtered'); // 67 rows pass: above exactFilterMax = 30
    expect(home.items.length).toBe(50);
    expect(home.items.every((h) => h.path.startsWith(join(tmp.dir, 'home') + '/'))).toBe(true);

    const from = Date.UTC(2020, 0, 11);
    const to = Date.UTC(2020, 0, 20);
    const dated = await lib.search.search({ text: 'cat', filter: { takenFrom: from, takenTo: to }, limit: 50 });
    expect(dated.strategy).toBe('exact-filtered');
    expect(dated.items.map((h) => h.takenAt).sort()).toEqual(lib.items.slice(10, 20).map((i) => i.takenAt));

    const webp = await lib.search.search({ text: 'cat', filter: { kinds: ['webp'] }, limit: 50 });
    expect(webp.items.length).toBe(40);
    expect(webp.items.every((h) => h.kind === 'webp')).toBe(true);

    const rejected = await lib.search.search({
      text: 'cat',
      target: 'captions',
      filter: { reviewStates: ['rejected'] },
      limit: 100,
    });
    expect(rejected.items.length).toBe(50);
    expect(rejected.items.every((h) => h.reviewState === 'rejected')).toBe(true);
  });

  it('agrees with exact search over the filtered rows when it goes through HNSW', async () => {
    const filter = { folder: join(tmp.dir, 'trips') };
    const viaHnsw = await lib.search.search({ text: 'flower mountain', filter, limit: 10 });
    expect(viaHnsw.strategy).toBe('hnsw-filtered');
    const labels = lib.store.vectors.labelsMatching(lib.mv, 'image', filter);
    const exact = lib.images.searchExact(lib.encoder.vectorOf('flower mountain'), 10, labels);
    expect(viaHnsw.items.map((h) => h.score)).toEqual(exact.map((n) => expect.closeTo(n.score, 5)));
  });

  it('pages through results with continuous ranks', async () => {
    const all = await lib.search.search({ text: 'car', limit: 30 });
    const page2 = await lib.search.search({ text: 'car', offset: 10, limit: 10 });
    expect(page2.items.map((h) => h.rank)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(page2.items.map((h) => h.score)).toEqual(all.items.slice(10, 20).map((h) => h.score));
  });

  it('says "no good match" when nothing passes the cut-off instead of returning a tail', async () => {
    const r = await lib.search.search({ text: 'red bicycle', minScore: 0.999, limit: 10 });
    expect(r.items.length).toBe(4); // only the exact concept scores ≈ 1
    const none = await lib.search.search({
      text: 'car',
      negativeText: 'car snow',
      weights: { negative: 0.9 },
      minScore: 0.9,
    });
    expect(none.noGoodMatch).toBe(true);
    expect(none.items).toEqual([]);
  });

  it('re-ranks the top-k with ITM into match probabilities, caching image tokens', async () => {
    const r = await lib.search.search({ text: 'blue snow', rerank: { topK: 20 }, limit: 20 });
    expect(r.scoreKind).toBe('match-probability');
    expect(r.cutoff).toBe(0.5);
    expect(r.items.every((h) => h.matchProbability === h.score && h.score >= 0.5 && h.score <= 1)).toBe(true);
    expect(r.items.slice(0, 4).map((h) => conceptOf(h.path))).toEqual(Array(4).fill('blue snow'));
    expect(r.total).toBe(r.items.length);
    const encodes = lib.encoder.imageEncodes;
    expect(lib.tokenCache.size).toBe(20);
    await lib.search.search({ text: 'blue snow', rerank: { topK: 20 }, limit: 20 });
    expect(lib.encoder.imageEncodes).toBe(encodes); // second time every token came from the cache
  });

  it('re-ranks as deep as the page asked for', async () => {
    const page = await lib.search.search({ text: 'red', rerank: { topK: 5 }, minScore: 0, offset: 10, limit: 5 });
    expect(page.items.map((h) => h.rank)).toEqual([11, 12, 13, 14, 15]);
    expect(page.total).toBe(15);
    expect(page.items.every((h) => h.matchProbability === h.score)).toBe(true);
  });

  it('refuses an empty query and a 10 MB query with clear messages, quickly', async () => {
    const empty = await rejection(lib.search.search({ text: '   ' }));
    expect(isSearchError(empty, 'QUERY_EMPTY')).toBe(true);
    expect((empty as Error).message).toBe('text is empty: type some words to search for');
    const huge = 'a'.repeat(10 * 1024 * 1024);
    const t0 = performance.now();
    const tooLong = await rejection(lib.search.search({ text: huge }));
    expect(performance.now() - t0).toBeLessThan(500);
    expect(isSearchError(tooLong, 'QUERY_TOO_LONG')).toBe(true);
    expect((tooLong as Error).message).toBe(
      'text has 10485760 characters; at most 2000 are accepted (the model reads about 30 words)',
    );
    const bad = await rejection(lib.search.search({ text: 'cat', limit: 0 }));
    expect((bad as Error).message).toBe('limit must be an integer from 1 to 500, got 0');
  });
});
