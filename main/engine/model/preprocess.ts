/**
 * Pixels → model input (spec §1.7, §4.3 "Preprocessing parity"): decode with sharp, first frame only,
 * EXIF orientation applied, alpha composited on the bundle's background, squashed to R×R with a
 * bicubic (Catmull-Rom, a = −0.5, like PIL BICUBIC) kernel, then ToTensor + Normalize into NCHW.
 * Decoding (async, libvips thread pool) is split from normalisation (sync, cheap) so that a decode
 * stage can run ahead of inference and write straight into the batch tensor.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { ModelError } from './errors';
import type { Manifest } from './manifest';
import { resizeBicubicRgb } from './resample';
import { svgHazard } from './svg-guard';

export interface ImageSpec {
  resolution: number;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  background: readonly [number, number, number];
}

export interface DecodeLimits {
  /** Decompression-bomb guard: refuse images with more pixels than this (width × height). */
  maxInputPixels: number;
  /** Refuse files larger than this many bytes before decoding. */
  maxFileBytes: number;
  /** libvips work on one image is abandoned after this many seconds (SVG/TIFF bombs). */
  timeoutSeconds: number;
  /**
   * Sources up to this many pixels are squashed by the Pillow-exact resampler (resample.ts);
   * larger ones by libvips' cubic reducer, which agrees with Pillow to ≈0.2/255 on big downscales
   * and is several times faster there.
   */
  exactResizeMaxPixels: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxInputPixels: 16384 * 16384, // 268 Mpx, sharp's own default; a 30000×30000 header is refused
  maxFileBytes: 512 * 1024 * 1024,
  timeoutSeconds: 20,
  exactResizeMaxPixels: 2_500_000,
};

/** A file path, or the bytes of an image already in memory. */
export type ImageInput = string | Uint8Array;

export interface DecodedImage {
  /** R×R×3 interleaved RGB, 8 bits per channel. */
  rgb: Uint8Array;
  /** Size of the source after orientation, before the squash. */
  width: number;
  height: number;
  format: string;
}

export function imageSpecOf(manifest: Manifest): ImageSpec {
  const { resolution, mean, std, background } = manifest.image;
  return { resolution, mean, std, background };
}

export function describeInput(input: ImageInput, index?: number): string {
  if (typeof input === 'string') return input;
  return index === undefined
    ? `image buffer (${input.byteLength} bytes)`
    : `image #${index} (buffer, ${input.byteLength} bytes)`;
}

export async function decodeImage(
  input: ImageInput,
  spec: ImageSpec,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
  label = describeInput(input),
): Promise<DecodedImage> {
  const bytes = await readInput(input, limits, label);
  if (bytes.byteLength === 0) throw new ModelError('IMAGE_EMPTY', `${label}: the file is empty (0 bytes)`);

  // Before libxml2/librsvg see an SVG at all (metadata() already parses it).
  if (looksLikeSvg(bytes)) {
    const hazard = svgHazard(new TextDecoder().decode(bytes));
    if (hazard) throw new ModelError('IMAGE_TOO_LARGE', `${label}: ${hazard}`);
  }
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false, failOn: 'none' }).metadata();
  } catch (err) {
    throw new ModelError('IMAGE_DECODE', `${label}: not a readable image (${sharpReason(err)})`);
  }
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  // Check the header's claim before libvips allocates anything (decompression bombs).
  if (width * height > limits.maxInputPixels) {
    throw new ModelError(
      'IMAGE_TOO_LARGE',
      `${label}: ${width}×${height} pixels is over the limit of ${limits.maxInputPixels} pixels (decompression-bomb guard)`,
    );
  }
  if (width === 0 || height === 0) throw new ModelError('IMAGE_DECODE', `${label}: the image has no pixels`);

  const R = spec.resolution;
  try {
    // Two passes: orientation + alpha composite at full size first, then the squash. A single sharp
    // pipeline would resize premultiplied RGBA and flatten afterwards, which differs from PIL
    // (composite, then resize with clipping) by up to 59/255 along transparent edges.
    const flat = await sharp(bytes, {
      limitInputPixels: limits.maxInputPixels,
      failOn: 'truncated',
      // SVG: render so that the longer side is at least R, instead of libvips' 72 dpi default.
      ...(meta.format === 'svg' ? { density: svgDensity(width, height, R) } : {}),
    })
      .timeout({ seconds: limits.timeoutSeconds })
      .rotate() // EXIF orientation
      .flatten({ background: { r: spec.background[0], g: spec.background[1], b: spec.background[2] } })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const data = await squashRgb(flat.data, flat.info.width, flat.info.height, R, limits.exactResizeMaxPixels);
    if (flat.info.channels !== 3 || data.byteLength !== R * R * 3) {
      throw new Error(`unexpected decoder output: ${flat.info.channels} channels, ${data.byteLength} bytes`);
    }
    const oriented = (meta.orientation ?? 1) >= 5;
    return {
      rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: oriented ? height : width,
      height: oriented ? width : height,
      format: meta.format ?? 'unknown',
    };
  } catch (err) {
    const reason = sharpReason(err);
    if (/pixel limit/i.test(reason)) {
      throw new ModelError(
        'IMAGE_TOO_LARGE',
        `${label}: over the limit of ${limits.maxInputPixels} pixels (${reason})`,
      );
    }
    throw new ModelError('IMAGE_DECODE', `${label}: cannot decode ${meta.format ?? 'image'} (${reason})`);
  }
}

/**
 * The squash to R×R of flattened RGB (spec §1.7), with the runtime's choice of resampler: Pillow-exact
 * (resample.ts) up to `exactMaxPixels` source pixels, libvips' cubic reducer above. Exported so that
 * callers that decode on their own (ingest) follow the same policy.
 */
export async function squashRgb(
  rgb: Uint8Array,
  width: number,
  height: number,
  R: number,
  exactMaxPixels = DEFAULT_DECODE_LIMITS.exactResizeMaxPixels,
): Promise<Uint8Array> {
  if (width * height <= exactMaxPixels) return resizeBicubicRgb(rgb, width, height, R, R);
  const out = await sharp(rgb, { raw: { width, height, channels: 3 }, limitInputPixels: false })
    .resize(R, R, { fit: 'fill', kernel: 'cubic' })
    .raw({ depth: 'uchar' })
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * ToTensor + Normalize: `(x/255 − mean) / std`, written as sample `index` of an NCHW batch.
 * Uses float32 arithmetic in the same order as the numpy/torch reference.
 */
export function normaliseInto(rgb: Uint8Array, spec: ImageSpec, out: Float32Array, index: number): void {
  const plane = spec.resolution * spec.resolution;
  const base = index * 3 * plane;
  for (let c = 0; c < 3; c++) {
    const mean = Math.fround(spec.mean[c]!);
    const std = Math.fround(spec.std[c]!);
    const o = base + c * plane;
    for (let p = 0; p < plane; p++) {
      out[o + p] = Math.fround(Math.fround(Math.fround(rgb[p * 3 + c]! / 255) - mean) / std);
    }
  }
}

async function readInput(input: ImageInput, limits: DecodeLimits, label: string): Promise<Uint8Array> {
  if (typeof input !== 'string') {
    if (input.byteLength > limits.maxFileBytes) {
      throw new ModelError(
        'IMAGE_TOO_LARGE',
        `${label}: ${input.byteLength} bytes is over the limit of ${limits.maxFileBytes}`,
      );
    }
    return input;
  }
  try {
    const bytes = await readFile(input);
    if (bytes.byteLength > limits.maxFileBytes) {
      throw new ModelError(
        'IMAGE_TOO_LARGE',
        `${label}: ${bytes.byteLength} bytes is over the limit of ${limits.maxFileBytes}`,
      );
    }
    return bytes;
  } catch (err) {
    if (err instanceof ModelError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ModelError('IMAGE_UNREADABLE', `${label}: cannot read the file (${code})`);
  }
}

/** XML text whose first kilobytes open an <svg> element (how libvips sniffs SVG too). */
function looksLikeSvg(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096)).trimStart();
  return head.startsWith('<') && /<svg[\s>]/i.test(head);
}

function svgDensity(width72: number, height72: number, R: number): number {
  const scale = R / Math.max(width72, height72);
  return Math.min(72 * 64, Math.max(72, Math.ceil(72 * scale)));
}

function sharpReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.trim();
}
