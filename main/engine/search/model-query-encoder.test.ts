import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Embedder } from '../model/embedder';
import { EmbeddingService } from '../model/embedding-service';
import { makeTempDir } from '../store/test-support/temp-dir';
import { ModelQueryEncoder } from './model-query-encoder';

const bundleDir = fileURLToPath(new URL('../../../test/fixtures/tiny-albef', import.meta.url));
let embedder: Embedder;
let encoder: ModelQueryEncoder;
let tmp: ReturnType<typeof makeTempDir>;
beforeAll(async () => {
  tmp = makeTempDir('pairscope-encoder-');
  embedder = await Embedder.open(bundleDir, { providers: ['cpu'] });
  encoder = new ModelQueryEncoder(embedder, 'tiny-albef');
});
afterAll(async () => {
  await embedder.dispose();
  tmp.remove();
});

describe('ModelQueryEncoder on the tiny ALBEF bundle (real ONNX graphs)', () => {
  it('embeds text and images as unit vectors of the bundle’s dimension', async () => {
    const t = await encoder.embedText('a red square');
    const file = join(tmp.dir, 'red.png');
    await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 220, g: 20, b: 20 } } })
      .png()
      .toFile(file);
    const img = await encoder.embedImage(file);
    expect(t.length).toBe(16);
    expect(img.embedding.length).toBe(16);
    const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    expect(norm(t)).toBeCloseTo(1, 5);
    expect(norm(img.embedding)).toBeCloseTo(1, 5);
    expect(img.tokens).toMatchObject({ count: 5, width: 32 });
    expect(img.tokens.data.length).toBe(5 * 32);
  });

  it('gives both ITM logits from cached tokens, matching the runtime’s own ITM on the files', async () => {
    const files = [join(tmp.dir, 'a.png'), join(tmp.dir, 'b.png')];
    await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 0, g: 0, b: 255 } } })
      .png()
      .toFile(files[0]!);
    await sharp({ create: { width: 50, height: 20, channels: 3, background: { r: 0, g: 200, b: 0 } } })
      .png()
      .toFile(files[1]!);
    const tokens = await Promise.all(files.map(async (f) => (await encoder.embedImage(f)).tokens));
    const logits = await encoder.itmLogits('a blue square', tokens);
    expect(logits.length).toBe(4);
    const direct = await embedder.itmTextToImages('a blue square', files);
    expect(logits[1]).toBeCloseTo((direct[0] as { value: number }).value, 4);
    expect(logits[3]).toBeCloseTo((direct[1] as { value: number }).value, 4);
  });

  it('rejects a file that is not an image with the runtime’s message naming it', async () => {
    const file = join(tmp.dir, 'notes.txt');
    writeFileSync(file, 'not an image at all');
    await expect(encoder.embedImage(file)).rejects.toThrow(file);
  });

  it('answers the same through the worker-thread EmbeddingService as in-process (the app encodes queries there)', async () => {
    const service = await EmbeddingService.start(bundleDir, { providers: ['cpu'] });
    try {
      const inWorker = new ModelQueryEncoder(service, 'tiny-albef');
      const file = join(tmp.dir, 'worker.png');
      await sharp({ create: { width: 24, height: 36, channels: 3, background: { r: 250, g: 200, b: 0 } } })
        .png()
        .toFile(file);
      expect(Array.from(await inWorker.embedText('a yellow square'))).toEqual(
        Array.from(await encoder.embedText('a yellow square')),
      );
      const [w, p] = [await inWorker.embedImage(file), await encoder.embedImage(file)];
      expect(Array.from(w.embedding)).toEqual(Array.from(p.embedding));
      expect(Array.from(w.tokens.data)).toEqual(Array.from(p.tokens.data));
      expect(Array.from(await inWorker.itmLogits('a yellow square', [w.tokens]))).toEqual(
        Array.from(await encoder.itmLogits('a yellow square', [p.tokens])),
      );
      const notImage = join(tmp.dir, 'worker-notes.txt');
      writeFileSync(notImage, 'still not an image');
      await expect(inWorker.embedImage(notImage)).rejects.toThrow(notImage);
    } finally {
      await service.dispose();
    }
  });
});
