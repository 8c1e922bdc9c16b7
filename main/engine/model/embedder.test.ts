import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Embedder } from './embedder';
import { SVG_ENTITY_BOMB, pngClaiming } from './testing/bad-inputs';

const ROOT = path.resolve(__dirname, '../../..');
const TINY = path.join(ROOT, 'test/fixtures/tiny-albef');
const PHOTO = '/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg';
const EMOJI = path.join(ROOT, 'node_modules/emoji-datasource-google/img/google/64/1f431.png');
const work = mkdtempSync(path.join(tmpdir(), 'embedder-test-'));

let embedder: Embedder;
beforeAll(async () => {
  embedder = await Embedder.open(TINY, { providers: ['cpu'], threads: 2, batchSize: 3 });
});
afterAll(async () => {
  await embedder.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('Embedder on the tiny-albef bundle', () => {
  it('returns the projected embedding (E, unit length) and the CLS feature (Wv) per image', async () => {
    const [r] = await embedder.embedImages([PHOTO]);
    expect(r!.ok).toBe(true);
    if (!r!.ok) return;
    expect(r!.value.emb).toHaveLength(16);
    expect(r!.value.cls).toHaveLength(32);
    expect(Math.hypot(...r!.value.emb)).toBeCloseTo(1, 5);
  });

  it('gives the same embedding for an image whatever its batch neighbours and batch position', async () => {
    const alone = await embedder.embedImages([EMOJI]);
    const mixed = await embedder.embedImages([PHOTO, PHOTO, PHOTO, EMOJI, PHOTO]); // EMOJI lands in batch 2
    const a = alone[0]!.ok ? alone[0]!.value.emb : new Float32Array();
    const b = mixed[3]!.ok ? mixed[3]!.value.emb : new Float32Array();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
  });

  it('embedPixels on ready pixels equals embedImages on the file', async () => {
    const { decodeImage, normaliseInto } = await import('./preprocess');
    const pixels = new Float32Array(3 * 32 * 32);
    normaliseInto((await decodeImage(PHOTO, embedder.spec)).rgb, embedder.spec, pixels, 0);
    const [fromPixels] = await embedder.embedPixels(pixels, 1);
    const [fromFile] = await embedder.embedImages([PHOTO]);
    expect(fromPixels!.ok && Array.from(fromPixels!.value.emb)).toEqual(
      fromFile!.ok && Array.from(fromFile!.value.emb),
    );
  });

  it('reports the provider each opened graph runs on', async () => {
    expect(await embedder.providers()).toMatchObject({ vision: { provider: 'cpu', precision: 'fp32' } });
  });

  it('ITM logits from image tokens equal the logits from image files', async () => {
    const [img] = await embedder.embedImages([PHOTO], { keepTokens: true });
    const tokens = img!.ok ? img!.value.tokens! : new Float32Array();
    expect(tokens).toHaveLength(5 * 32); // (32/16)² + 1 tokens × 32
    const logits = await embedder.itmLogitsWithImageTokens('a red cat', [tokens, tokens]);
    const [viaFile] = await embedder.itmTextToImages('a red cat', [PHOTO]);
    expect(logits[1]).toBeCloseTo(viaFile!.ok ? viaFile!.value : Number.NaN, 5);
    expect(logits[3]).toBeCloseTo(logits[1]!, 6);
  });
});

describe('bad input: each bad item gets its own error and the rest of the batch embeds (issue #5)', () => {
  it('images: unreadable, zero-byte, truncated, non-image, SVG bomb, 30000×30000 PNG header among good ones', async () => {
    const zero = path.join(work, 'zero.jpg');
    writeFileSync(zero, '');
    const truncated = path.join(work, 'truncated.jpg');
    const jpeg = await sharp(PHOTO).jpeg().toBuffer();
    writeFileSync(truncated, jpeg.subarray(0, jpeg.length >> 1));
    const text = path.join(work, 'text.png');
    writeFileSync(text, 'hello');
    const bomb = path.join(work, 'bomb.svg');
    writeFileSync(bomb, SVG_ENTITY_BOMB);
    const huge = path.join(work, 'huge.png');
    writeFileSync(huge, await pngClaiming(30000, 30000));
    const missing = path.join(work, 'missing.png');

    const inputs = [PHOTO, missing, zero, EMOJI, truncated, text, bomb, huge, PHOTO];
    const results = await embedder.embedImages(inputs);
    const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
    expect(codes).toEqual([
      'ok',
      'IMAGE_UNREADABLE',
      'IMAGE_EMPTY',
      'ok',
      'IMAGE_DECODE',
      'IMAGE_DECODE',
      'IMAGE_TOO_LARGE', // the SVG entity bomb, refused by svg-guard before rendering
      'IMAGE_TOO_LARGE',
      'ok',
    ]);
    results.forEach((r, i) => {
      if (!r.ok) expect(r.error.message.startsWith(inputs[i]!), r.error.message).toBe(true);
    });
    const good = await embedder.embedImages([PHOTO]);
    expect(results[8]!.ok && good[0]!.ok && Array.from(results[8]!.value.emb)).toEqual(
      good[0]!.ok && Array.from(good[0]!.value.emb),
    );
  });

  it('captions: empty, 10 MB, non-UTF-8 bytes, a lone surrogate among good ones', async () => {
    const tenMB = 'a'.repeat(10 * 1024 * 1024);
    const latin1 = new Uint8Array(Buffer.from('caf\xe9 au lait', 'latin1'));
    const inputs = [
      'a red cat',
      '',
      tenMB,
      latin1,
      'bad \ud800 text',
      '  ...  ',
      new TextEncoder().encode('smiling dog'),
      'the blue car',
    ];
    const results = await embedder.embedTexts(inputs);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'ok',
      'CAPTION_EMPTY',
      'CAPTION_TOO_LONG',
      'CAPTION_NOT_UTF8',
      'CAPTION_NOT_UTF8',
      'CAPTION_EMPTY',
      'ok',
      'ok',
    ]);
    expect(results[3]!.ok ? '' : results[3]!.error.message).toBe(
      'caption #3 (12 bytes): not UTF-8 text (invalid byte 0xe9 at offset 3)',
    );
    expect(results[2]!.ok ? '' : results[2]!.error.message).toMatch(
      /^caption #2 "a{40}…": 10485760 characters is over the limit of 65536$/,
    );
    const [alone] = await embedder.embedTexts(['smiling dog']);
    expect(results[6]!.ok && Array.from(results[6]!.value.emb)).toEqual(alone!.ok && Array.from(alone!.value.emb));
  });
});

describe('fp16 graphs (what GPU providers run, spec §4.3)', () => {
  it('agree with the fp32 graphs to cosine ≥ 0.999 (run here on CPU with precision forced to fp16)', async () => {
    const fp16 = await Embedder.open(TINY, { providers: ['cpu'], threads: 2, precision: 'fp16' });
    try {
      const [a] = await embedder.embedImages([PHOTO]);
      const [b] = await fp16.embedImages([PHOTO]);
      const [ta] = await embedder.embedTexts(['a red cat sitting']);
      const [tb] = await fp16.embedTexts(['a red cat sitting']);
      expect(await fp16.providers()).toMatchObject({ vision: { precision: 'fp16' }, text: { precision: 'fp16' } });
      const cos = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i]!, 0);
      expect(a!.ok && b!.ok && cos(a!.value.emb, b!.value.emb)).toBeGreaterThan(0.999);
      expect(ta!.ok && tb!.ok && cos(ta!.value.emb, tb!.value.emb)).toBeGreaterThan(0.999);
    } finally {
      await fp16.dispose();
    }
  });
});
