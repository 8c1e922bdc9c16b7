import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Embedder } from './embedder';
import { EmbeddingService } from './embedding-service';

const ROOT = path.resolve(__dirname, '../../..');
const TINY = path.join(ROOT, 'test/fixtures/tiny-albef');
const PHOTO = '/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg';

describe('EmbeddingService (Embedder in a worker thread)', () => {
  it('returns the same embeddings as the in-thread Embedder, with per-item errors intact', async () => {
    const service = await EmbeddingService.start(TINY, { providers: ['cpu'], threads: 1 });
    const local = await Embedder.open(TINY, { providers: ['cpu'], threads: 1 });
    try {
      expect(service.manifest.name).toBe('tiny-albef');
      const [remote, missing] = await service.embedImages([PHOTO, '/nonexistent.png']);
      const [here] = await local.embedImages([PHOTO]);
      expect(remote!.ok && remote!.value.emb).toBeInstanceOf(Float32Array);
      expect(remote!.ok && Array.from(remote!.value.emb)).toEqual(here!.ok && Array.from(here!.value.emb));
      expect(missing).toEqual({
        ok: false,
        error: {
          name: 'ModelError',
          code: 'IMAGE_UNREADABLE',
          message: '/nonexistent.png: cannot read the file (ENOENT)',
        },
      });
      const texts = await service.embedTexts(['a red cat', '']);
      expect(texts.map((r) => (r.ok ? r.value.ids : r.error.code))).toEqual([[101, 104, 111, 116], 'CAPTION_EMPTY']);
      expect(await service.providers()).toMatchObject({ vision: { provider: 'cpu' }, text: { provider: 'cpu' } });
    } finally {
      await service.dispose();
      await local.dispose();
    }
  });

  it('keeps the calling thread free while the worker embeds', async () => {
    const service = await EmbeddingService.start(TINY, { providers: ['cpu'], threads: 1 });
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      await service.embedImages(Array.from({ length: 24 }, () => PHOTO));
      clearInterval(timer);
      expect(ticks).toBeGreaterThan(5); // the event loop kept turning during the whole call
    } finally {
      await service.dispose();
    }
  });

  it('refuses calls after dispose and rejects a bad bundle at start with its code', async () => {
    const service = await EmbeddingService.start(TINY, { providers: ['cpu'], threads: 1 });
    await service.dispose();
    await expect(service.embedTexts(['a cat'])).rejects.toMatchObject({ code: 'EMBEDDER_DISPOSED' });
    await expect(EmbeddingService.start(path.join(ROOT, 'test/fixtures'))).rejects.toMatchObject({
      code: 'BUNDLE_MANIFEST_MISSING',
    });
  });
});
