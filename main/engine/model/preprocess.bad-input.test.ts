import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage, type ImageSpec } from './preprocess';

const SPEC: ImageSpec = { resolution: 32, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], background: [255, 255, 255] };
const work = mkdtempSync(path.join(tmpdir(), 'preprocess-bad-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A valid 1×1 PNG whose IHDR (with a correct CRC) claims width × height. */
export async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer());
  // Signature (8) + IHDR length (4) + "IHDR" (4): width at 16, height at 20, CRC over type+data at 29.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/** "Billion laughs": nested XML entities that expand to ~10⁹ characters. */
export const SVG_ENTITY_BOMB = `<?xml version="1.0"?>
<!DOCTYPE svg [
<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
<!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&i;</text></svg>`;

/** Exponential <use> fan-out: each level references the previous one ten times. */
export function svgUseBomb(levels = 9): string {
  let defs = '<rect id="l0" width="1" height="1"/>';
  for (let l = 1; l <= levels; l++) {
    const uses = Array.from({ length: 10 }, () => `<use href="#l${l - 1}"/>`).join('');
    defs += `<g id="l${l}">${uses}</g>`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs>${defs}</defs><use href="#l${levels}"/></svg>`;
}

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
    await expect(decodeImage(file, SPEC)).rejects.toMatchObject({ code: 'IMAGE_EMPTY', message: `${file}: the file is empty (0 bytes)` });
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
    const whole = await sharp('/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg').toFormat(format).toBuffer();
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

  it('an SVG with entity expansion (billion laughs) → an error, quickly', async () => {
    const started = Date.now();
    await expect(decodeImage(Buffer.from(SVG_ENTITY_BOMB), SPEC, undefined, 'laughs.svg')).rejects.toMatchObject({
      code: 'IMAGE_DECODE',
      message: expect.stringContaining('laughs.svg: '),
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('an SVG with exponential <use> fan-out → an error, quickly', async () => {
    const started = Date.now();
    await expect(decodeImage(Buffer.from(svgUseBomb()), SPEC, undefined, 'fanout.svg')).rejects.toMatchObject({
      code: 'IMAGE_DECODE',
      message: expect.stringContaining('fanout.svg: '),
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('an SVG that asks for 100000×100000 pixels → IMAGE_TOO_LARGE', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"><rect width="10" height="10"/></svg>';
    await expect(decodeImage(Buffer.from(svg), SPEC, undefined, 'huge.svg')).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });
});
