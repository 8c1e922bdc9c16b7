/**
 * Images made by the tests themselves (style.md: test data from installed packages or made by the test):
 * good JPEG/PNG/WebP, and the bad cases of DESIGN §8. Only imported by *.test.ts and benches.
 */
import sharp from 'sharp';
import { crc32 } from 'node:zlib';

export async function solidJpeg(width: number, height: number, rgb: [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A picture with some structure (a gradient and a disc) so that different seeds give different embeddings. */
export async function patternImage(seed: number, format: 'jpeg' | 'png' | 'webp' = 'jpeg', size = 96): Promise<Buffer> {
  const hue = (seed * 67) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
    <rect width="100%" height="100%" fill="hsl(${hue},70%,${30 + (seed % 5) * 10}%)"/>
    <circle cx="${(seed * 13) % size}" cy="${(seed * 29) % size}" r="${size / 4}" fill="hsl(${(hue + 180) % 360},80%,60%)"/></svg>`;
  return sharp(Buffer.from(svg))[format]().toBuffer();
}

/** Cuts a valid JPEG in half: the header is intact, the entropy-coded data ends early. */
export async function truncatedJpeg(): Promise<Buffer> {
  const full = await sharp({
    create: {
      width: 256,
      height: 256,
      channels: 3,
      background: 'gray',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .jpeg()
    .toBuffer();
  return full.subarray(0, Math.floor(full.length / 2));
}

/** A small, valid PNG whose IHDR is rewritten to claim `width`×`height` (CRC fixed): a decompression-bomb header. */
export async function pngClaimingSize(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(
    await sharp({ create: { width: 8, height: 8, channels: 3, background: 'white' } })
      .png()
      .toBuffer(),
  );
  // Signature (8) + length (4) + 'IHDR' (4) → width at 16, height at 20; CRC over type+data at 29.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)) >>> 0, 29);
  return png;
}

export async function jpegWithExif(): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 20, channels: 3, background: 'red' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'Canon', Model: 'Canon EOS 5D' },
      IFD2: { DateTimeOriginal: '2021:06:01 12:34:56' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '46/1 0/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '8/1 30/1 0/1' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}
