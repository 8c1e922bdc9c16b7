/**
 * Is a cut-out image a photograph or a drawing? Drawings (and vector renders) are made of flat colour
 * regions, so many horizontally adjacent opaque pixels are (nearly) identical; in a photo almost none are.
 * Measured on the 785 PNG Tux Paint stamps: below 0.12 the stamps are photographic cut-outs (≈ 34% of all stamps),
 * above it clip art. A heuristic for picking demo images, not a classifier to report accuracy with.
 */
import sharp from 'sharp';

export const PHOTO_FLAT_FRACTION_MAX = 0.12;

/** Fraction of opaque horizontal neighbour pairs whose RGB differ by at most 1 in total. */
export async function flatFraction(image: string | Buffer): Promise<number> {
  const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const w = info.width;
  let pairs = 0;
  let flat = 0;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < w - 1; x++) {
      const i = (y * w + x) * 4;
      const j = i + 4;
      if (data[i + 3]! < 255 || data[j + 3]! < 255) continue;
      pairs++;
      const d =
        Math.abs(data[i]! - data[j]!) + Math.abs(data[i + 1]! - data[j + 1]!) + Math.abs(data[i + 2]! - data[j + 2]!);
      if (d <= 1) flat++;
    }
  }
  return pairs === 0 ? 1 : flat / pairs;
}
