/**
 * The model's pixel input from the decoded working copy, the way the runtime's own preprocessing does it
 * (main/engine/model/preprocess.ts, spec §1.7): alpha composited on the bundle's background at the decoded
 * size, then squashed to R×R with the Pillow-exact bicubic resampler (libvips' cubic for big sources, as
 * there), then ToTensor + Normalize with the runtime's `normaliseInto`. For sources no larger than the
 * working size (1600 px) this is bit-identical to the runtime's path; bigger photos are squashed from the
 * 1600 px working copy instead of from full size (one decode instead of two; a sub-1/255 difference).
 *
 * @example await modelInputInto(decoded, imageSpecOf(manifest), batch, 3) // writes sample 3 of an NCHW batch
 */
import sharp from 'sharp';
import { normaliseInto, type ImageSpec } from '../model/preprocess';
import { resizeBicubicRgb } from '../model/resample';
import type { DecodedImage } from './image-decode';

/** Same threshold as the runtime's `exactResizeMaxPixels`. */
const EXACT_RESIZE_MAX_PIXELS = 2_500_000;

export async function modelRgb(image: DecodedImage, spec: ImageSpec): Promise<Uint8Array> {
  const R = spec.resolution;
  const { rgba, rgbaWidth: w, rgbaHeight: h } = image;
  const [r, g, b] = spec.background;
  const flat = await sharp(rgba, { raw: { width: w, height: h, channels: 4 } })
    .flatten({ background: { r, g, b } })
    .removeAlpha()
    .raw()
    .toBuffer();
  if (w * h <= EXACT_RESIZE_MAX_PIXELS) return resizeBicubicRgb(flat, w, h, R, R);
  return sharp(flat, { raw: { width: w, height: h, channels: 3 } })
    .resize(R, R, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer();
}

export async function modelInputInto(
  image: DecodedImage,
  spec: ImageSpec,
  out: Float32Array,
  index: number,
): Promise<void> {
  normaliseInto(await modelRgb(image, spec), spec, out, index);
}

/** One image as a [3,R,R] tensor (tests and single-image queries). */
export async function modelInput(image: DecodedImage, spec: ImageSpec): Promise<Float32Array> {
  const out = new Float32Array(3 * spec.resolution * spec.resolution);
  await modelInputInto(image, spec, out, 0);
  return out;
}
