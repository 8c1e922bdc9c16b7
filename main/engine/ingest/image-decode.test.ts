import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage, ImageDecodeError } from './image-decode';
import { sniffImageFormat, describeContent } from './sniff';
import { ThumbnailCache } from './thumbnails';
import { modelInput, modelRgb } from './model-input';
import { decodeImage as runtimeDecode } from '../model/preprocess';
import { readExif } from './exif';
import { jpegWithExif, patternImage, pngClaimingSize, truncatedJpeg } from './test-images';
import { hashBytes } from './content-hash';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'decode-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ImageDecodeError);
    return [(e as ImageDecodeError).code, (e as Error).message];
  }
  throw new Error('expected a failure');
}

describe('sniffImageFormat', () => {
  it('recognises formats by content, whatever the name', async () => {
    expect(sniffImageFormat(await patternImage(1, 'jpeg'))).toBe('jpeg');
    expect(sniffImageFormat(await patternImage(1, 'png'))).toBe('png');
    expect(sniffImageFormat(await patternImage(1, 'webp'))).toBe('webp');
    expect(
      sniffImageFormat(
        await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } })
          .gif()
          .toBuffer(),
      ),
    ).toBe('gif');
    expect(
      sniffImageFormat(
        await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } })
          .tiff()
          .toBuffer(),
      ),
    ).toBe('tiff');
    expect(
      sniffImageFormat(
        await sharp({ create: { width: 16, height: 16, channels: 3, background: 'red' } })
          .avif()
          .toBuffer(),
      ),
    ).toBe('avif');
    expect(
      sniffImageFormat(Buffer.from('<?xml version="1.0"?>\n<!-- x -->\n<svg xmlns="http://www.w3.org/2000/svg"/>')),
    ).toBe('svg');
    const heicHead = Buffer.from('000000186674797068656963000000006d69663168656963', 'hex');
    expect(sniffImageFormat(heicHead)).toBe('heic');
    expect(sniffImageFormat(Buffer.from('hello, I am a text file\n'))).toBe(null);
    expect(describeContent(Buffer.from('hello, I am a text file\n'))).toBe('text');
    expect(sniffImageFormat(Buffer.alloc(0))).toBe(null);
  });
});

describe('decodeImage', () => {
  it('refuses a PNG whose header claims 30000×30000 before allocating its pixels', async () => {
    const [code, message] = await failure(decodeImage(await pngClaimingSize(30000, 30000), 'png'));
    expect(code).toBe('image-too-large');
    expect(message).toBe('image too large: the header claims 30000×30000 (900 MP), the limit is 150 MP');
  });

  it('refuses an SVG entity bomb before librsvg parses it', async () => {
    const lol =
      '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>';
    const [code, message] = await failure(decodeImage(Buffer.from(lol), 'svg'));
    expect([code, message]).toEqual([
      'image-too-large',
      'refused: the SVG declares XML entities (entity-expansion bomb guard)',
    ]);
  });

  it('reports a truncated JPEG as corrupt', async () => {
    const [code, message] = await failure(decodeImage(await truncatedJpeg(), 'jpeg'));
    expect(code).toBe('corrupt-image');
    expect(message).toBe('cannot decode the jpeg data: the file is truncated (no JPEG end-of-image marker)');
  });

  it('reports HEIC as unsupported by this libvips build with a way out', async () => {
    const [code, message] = await failure(
      decodeImage(Buffer.from('000000186674797068656963000000006d69663168656963', 'hex'), 'heic'),
    );
    expect(code).toBe('unsupported-format');
    expect(message).toMatch(/HEIC .* no HEVC decoder/);
  });

  it('applies EXIF orientation and reads date, camera and GPS', async () => {
    const bytes = await jpegWithExif();
    const d = await decodeImage(bytes, 'jpeg');
    expect([d.width, d.height, d.rgbaWidth, d.rgbaHeight]).toEqual([20, 40, 20, 40]);
    expect(await readExif(bytes)).toEqual({
      takenAt: '2021-06-01T12:34:56',
      camera: 'Canon EOS 5D',
      gps: { lat: 46, lon: 8.5 },
      orientation: 6,
    });
    expect(await readExif(await patternImage(2, 'png'))).toEqual({});
  });

  it('shrinks large images on load to the working size and rasterises SVG up to it', async () => {
    const big = await sharp({ create: { width: 4000, height: 2000, channels: 3, background: 'blue' } })
      .jpeg()
      .toBuffer();
    const d = await decodeImage(big, 'jpeg');
    expect([d.width, d.height, d.rgbaWidth, d.rgbaHeight, d.rgba.length]).toEqual([
      4000,
      2000,
      1600,
      800,
      1600 * 800 * 4,
    ]);
    const svg = await decodeImage(
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="36" height="18"><rect width="36" height="18" fill="red"/></svg>',
      ),
      'svg',
    );
    expect([svg.rgbaWidth, svg.rgbaHeight]).toEqual([1600, 800]);
  });
});

describe('thumbnails and model input from one decode', () => {
  it('writes grid and lightbox WebP keyed by content hash, never enlarging', async () => {
    const bytes = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: 'green' } })
      .jpeg()
      .toBuffer();
    const hash = hashBytes(bytes);
    const cache = new ThumbnailCache(dir);
    expect(await cache.has(hash)).toBe(false);
    const paths = await cache.write(hash, await decodeImage(bytes, 'jpeg'));
    expect(paths.grid).toBe(join(dir, 'thumbs', hash.slice(0, 2), `${hash}-256.webp`));
    const grid = await sharp(paths.grid).metadata();
    const lightbox = await sharp(paths.lightbox).metadata();
    expect([grid.format, grid.width, grid.height]).toEqual(['webp', 256, 128]);
    expect([lightbox.format, lightbox.width, lightbox.height]).toEqual(['webp', 1600, 800]);
    expect(await cache.has(hash)).toBe(true);
    const small = await patternImage(3, 'png', 64);
    const smallPaths = await cache.write(hashBytes(small), await decodeImage(small, 'png'));
    expect((await sharp(smallPaths.lightbox).metadata()).width).toBe(64);
  });

  it('normalises the squashed R×R image with the manifest mean/std, alpha on the background colour', async () => {
    const transparent = await sharp({
      create: { width: 30, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const x = await modelInput(await decodeImage(transparent, 'png'), {
      resolution: 8,
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.25, 0.5],
      background: [255, 255, 255],
    });
    expect(x.length).toBe(3 * 64);
    // White: (1 − 0.5)/0.5 = 1 on R and B, (1 − 0.5)/0.25 = 2 on G.
    expect([x[0], x[64], x[128], x[191]]).toEqual([1, 2, 1, 1]);
  });

  it('gives the model exactly the pixels of the runtime preprocessing for images up to the working size', async () => {
    const spec = { resolution: 32, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], background: [255, 255, 255] } as const;
    const withAlpha = await sharp(await patternImage(4, 'png', 120))
      .ensureAlpha(0.5)
      .png()
      .toBuffer();
    for (const [bytes, format] of [
      [await patternImage(5, 'jpeg', 200), 'jpeg'],
      [withAlpha, 'png'],
      [await jpegWithExif(), 'jpeg'],
    ] as const) {
      const ours = await modelRgb(await decodeImage(bytes, format), spec);
      const runtime = await runtimeDecode(bytes, spec);
      expect(Buffer.from(ours).equals(Buffer.from(runtime.rgb))).toBe(true);
    }
  });
});
