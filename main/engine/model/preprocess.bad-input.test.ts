import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage, type ImageSpec } from './preprocess';
import { SVG_ENTITY_BOMB, pngClaiming, svgUseBomb } from './testing/bad-inputs';
import sharp from 'sharp';

const SPEC: ImageSpec = { resolution: 32, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], background: [255, 255, 255] };
const work = mkdtempSync(path.join(tmpdir(), 'preprocess-bad-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('decodeImage refuses bad input with a specific error naming the item', () => {
  it('a missing file → IMAGE_UNREADABLE (ENOENT)', async () => {
    const file = path.join(work, 'nope.jpg');
    await expect(decodeImage(file, SPEC)).rejects.toMatchObject({
      code: 'IMAGE_UNREADABLE',
      message: `${file}: cannot read the file (ENOENT)`,
    });
  });

  it('a zero-byte file → IMAGE_EMPTY', async () => {
    const file = path.join(work, 'empty.png');
    writeFileSync(file, '');
    await expect(decodeImage(file, SPEC)).rejects.toMatchObject({
      code: 'IMAGE_EMPTY',
      message: `${file}: the file is empty (0 bytes)`,
    });
  });

  it('a text file named .jpg → IMAGE_DECODE', async () => {
    const file = path.join(work, 'notes.jpg');
    writeFileSync(file, 'just some text, not an image\n');
    await expect(decodeImage(file, SPEC)).rejects.toMatchObject({
      code: 'IMAGE_DECODE',
      message: expect.stringContaining(`${file}: not a readable image`),
    });
  });

  it.each(['jpeg', 'png'] as const)('a truncated %s → IMAGE_DECODE', async (format) => {
    const whole = await sharp('/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg')
      .toFormat(format)
      .toBuffer();
    const file = path.join(work, `truncated.${format}`);
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(decodeImage(file, SPEC)).rejects.toMatchObject({
      code: 'IMAGE_DECODE',
      message: expect.stringContaining(`${file}: cannot decode ${format}`),
    });
  });

  it('a PNG whose header claims 30000×30000 → IMAGE_TOO_LARGE before any pixel is allocated', async () => {
    const bytes = await pngClaiming(30000, 30000);
    await expect(decodeImage(bytes, SPEC, undefined, 'bomb.png')).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      message: 'bomb.png: 30000×30000 pixels is over the limit of 268435456 pixels (decompression-bomb guard)',
    });
  });

  it('an SVG with entity expansion (billion laughs) → IMAGE_TOO_LARGE before rendering', async () => {
    await expect(decodeImage(Buffer.from(SVG_ENTITY_BOMB), SPEC, undefined, 'laughs.svg')).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      message: 'laughs.svg: the SVG declares XML entities (entity-expansion bomb guard)',
    });
  });

  it('an SVG with exponential <use> fan-out → IMAGE_TOO_LARGE before rendering, in well under a second', async () => {
    const started = Date.now();
    await expect(decodeImage(Buffer.from(svgUseBomb()), SPEC, undefined, 'fanout.svg')).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      message: "fanout.svg: the SVG's <use> references expand to more than 200000 elements (SVG bomb guard)",
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('an SVG that asks for 100000×100000 pixels → IMAGE_TOO_LARGE', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"><rect width="10" height="10"/></svg>';
    await expect(decodeImage(Buffer.from(svg), SPEC, undefined, 'huge.svg')).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
    });
  });
});
