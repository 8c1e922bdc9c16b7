import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ReviewState } from '../../store/caption-queries';
import { LibraryStore } from '../../store/library-store';
import { VectorIndex } from '../../vector/vector-index';
import { ImageTokenCache } from '../image-token-cache';
import { LibrarySearch } from '../library-search';
import { ConceptEncoder } from './concept-encoder';

export const WORDS = ['red', 'blue', 'bicycle', 'cat', 'dog', 'beach', 'mountain', 'car', 'flower', 'snow'] as const;

export interface ConceptItem {
  path: string;
  concept: string;
  caption: string;
  kind: string;
  takenAt: number;
  reviewState: ReviewState;
}

/**
 * A real library on disk: `n` PNG files (made with sharp) under two folders, each with a concept of two
 * words, a caption, a date, a kind and a review state; image and caption embeddings from ConceptEncoder.
 */
export async function makeConceptLibrary(
  dir: string,
  n: number,
  options: { exactBelow?: number; exactFilterMax?: number; cacheBytes?: number } = {},
) {
  const encoder = new ConceptEncoder(32, WORDS);
  const store = LibraryStore.open(join(dir, 'lib.pairscope'));
  const mv = store.modelVersions.ensure({ name: encoder.modelVersion, embedDim: 32, featureDim: 32 }).id;
  const items: ConceptItem[] = [];
  for (const folder of ['trips', 'home']) mkdirSync(join(dir, folder), { recursive: true });
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 10, b: 10 } } })
    .png()
    .toBuffer();
  for (let i = 0; i < n; i++) {
    const a = WORDS[i % WORDS.length]!;
    const b = WORDS[Math.floor(i / WORDS.length) % WORDS.length]!;
    const folder = i % 3 === 0 ? 'home' : 'trips';
    const path = join(dir, folder, `img-${i}.png`);
    await sharp(png).toFile(path);
    const states: ReviewState[] = ['unreviewed', 'accepted', 'corrected', 'rejected'];
    items.push({
      path,
      concept: `${a} ${b}`,
      caption: `a photo of ${a} and ${b}`,
      kind: i % 5 === 0 ? 'webp' : 'png',
      takenAt: Date.UTC(2020, 0, 1) + i * 86_400_000,
      reviewState: states[i % 4]!,
    });
    encoder.imageConcepts.set(path, `${a} ${b}`);
  }
  store.transaction(() => {
    for (const [i, it] of items.entries()) {
      const mediaId = store.media.upsert({
        path: it.path,
        root: dir,
        contentHash: `sha-${i}`,
        size: 100,
        mtimeMs: it.takenAt,
        takenAt: it.takenAt,
        kind: it.kind,
      });
      const captionId = store.captions.upsert({ mediaId, source: 'test', text: it.caption });
      if (it.reviewState !== 'unreviewed') {
        const action = it.reviewState === 'accepted' ? 'accept' : it.reviewState === 'rejected' ? 'reject' : 'edit';
        store.captions.correct(captionId, action, 'test', action === 'edit' ? `${it.caption}, corrected` : undefined);
      }
      store.vectors.upsertImage(mv, mediaId, encoder.vectorOf(it.concept));
      store.vectors.upsertText(mv, captionId, encoder.vectorOf(it.caption));
    }
  });
  const exactBelow = options.exactBelow ?? 0;
  const images = VectorIndex.open(store, mv, 'image', { dim: 32, exactBelow });
  const captions = VectorIndex.open(store, mv, 'text', { dim: 32, exactBelow });
  const tokenCache = new ImageTokenCache(join(dir, 'token-cache'), options.cacheBytes ?? 1 << 20);
  const search = new LibrarySearch({
    store,
    encoder,
    modelVersionId: mv,
    images,
    captions,
    tokenCache,
    ...(options.exactFilterMax !== undefined ? { exactFilterMax: options.exactFilterMax } : {}),
  });
  const close = () => {
    images.dispose();
    captions.dispose();
    store.close();
  };
  return { store, mv, encoder, items, images, captions, tokenCache, search, close };
}
