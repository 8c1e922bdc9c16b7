/**
 * One decode per image (DESIGN §3: "thumbnail and model input in one decode"). The file's bytes are
 * decoded once, EXIF-oriented, and shrunk to at most the lightbox size; the grid thumbnail, the lightbox
 * image and the model's R×R input are all derived from that one RGBA buffer.
 *
 * Before decoding, the header alone is read and an image whose pixel count exceeds the budget is refused
 * (decompression bombs, DESIGN §8): a 30000×30000 PNG can be a few kilobytes on disk and 3.6 GB in memory.
 *
 * @example const d = await decodeImage(bytes, 'jpeg', { limits }); d.rgba, d.width, d.height
 */
import sharp from 'sharp';
import { svgHazard } from '../model/svg-guard';
import type { ImageFormat } from './sniff';

export interface DecodeLimits {
  /** Refuse images whose header claims more pixels than this (width × height × frames decoded). */
  maxPixels: number;
  /** Long side of the decoded working image (the lightbox size); larger images are shrunk on load. */
  workingLongSide: number;
  /** libvips work on one image is abandoned after this many seconds. */
  timeoutSeconds: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxPixels: 150_000_000,
  workingLongSide: 1600,
  timeoutSeconds: 20,
};

export interface DecodedImage {
  /** Oriented size of the original image (after EXIF rotation). */
  width: number;
  height: number;
  /** The shrunk working copy, 4 channels (RGBA, straight alpha). */
  rgba: Buffer;
  rgbaWidth: number;
  rgbaHeight: number;
  hasAlpha: boolean;
}

/** A decode failure a person can act on; `code` is matched on, the message names the cause. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  constructor(
    readonly code: 'image-too-large' | 'corrupt-image' | 'unsupported-format',
    message: string,
  ) {
    super(message);
  }
}

/** sharp's prebuilt libvips links libheif with AV1 (AVIF) only; HEVC (HEIC) decodes only with a system libvips that has it. */
function canDecodeHeic(): boolean {
  const heif = (sharp.format as unknown as Record<string, { input?: { fileSuffix?: string[] } } | undefined>).heif;
  return heif?.input?.fileSuffix?.includes('.heic') ?? false;
}

function mp(pixels: number): string {
  return `${Math.round(pixels / 1e6)} MP`;
}

export async function decodeImage(
  bytes: Buffer,
  format: ImageFormat,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): Promise<DecodedImage> {
  if (format === 'heic' && !canDecodeHeic()) {
    throw new ImageDecodeError(
      'unsupported-format',
      'HEIC images cannot be decoded: this build of libvips has no HEVC decoder (convert to JPEG or AVIF)',
    );
  }
  // Before librsvg sees an SVG at all (even metadata() parses it): entity and <use> expansion bombs.
  if (format === 'svg') {
    const hazard = svgHazard(new TextDecoder().decode(bytes));
    if (hazard) throw new ImageDecodeError('image-too-large', `refused: ${hazard}`);
  }
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new ImageDecodeError('corrupt-image', `cannot read the ${format} header: ${(e as Error).message}`);
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w <= 0 || h <= 0) throw new ImageDecodeError('corrupt-image', `the ${format} header has no size`);
  if (w * h > limits.maxPixels) {
    throw new ImageDecodeError(
      'image-too-large',
      `image too large: the header claims ${w}×${h} (${mp(w * h)}), the limit is ${mp(limits.maxPixels)}`,
    );
  }
  const swap = (meta.orientation ?? 1) >= 5;
  const width = swap ? h : w;
  const height = swap ? w : h;
  // Vector images have no native size worth keeping: rasterise them so the long side reaches the working size.
  const density =
    format === 'svg' ? Math.min(2400, Math.max(72, (72 * limits.workingLongSide) / Math.max(w, h))) : undefined;
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error', density })
      // A crafted SVG or TIFF can keep libvips busy for minutes; the file is abandoned instead.
      .timeout({ seconds: limits.timeoutSeconds })
      .rotate()
      .toColourspace('srgb')
      .resize({
        width: limits.workingLongSide,
        height: limits.workingLongSide,
        fit: 'inside',
        withoutEnlargement: format !== 'svg',
      })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      width,
      height,
      rgba: data,
      rgbaWidth: info.width,
      rgbaHeight: info.height,
      hasAlpha: meta.hasAlpha ?? false,
    };
  } catch (e) {
    // libvips' error text is per thread and can come back as "unknown" when several decodes fail at once;
    // a truncated file is common enough to be named from the bytes themselves.
    const cause = truncation(bytes, format) ?? (e as Error).message.split('\n')[0];
    throw new ImageDecodeError('corrupt-image', `cannot decode the ${format} data: ${cause}`);
  }
}

/** The working copy as a sharp pipeline input (for thumbnails and the model input). */
export function fromDecoded(d: DecodedImage): sharp.Sharp {
  return sharp(d.rgba, { raw: { width: d.rgbaWidth, height: d.rgbaHeight, channels: 4 } });
}

/** Names a missing end marker (JPEG EOI, PNG IEND, GIF trailer), or null. */
function truncation(bytes: Buffer, format: ImageFormat): string | null {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--; // some writers pad with zeros
  const tail = bytes.subarray(Math.max(0, end - 12), end);
  if (format === 'jpeg' && !(tail[tail.length - 2] === 0xff && tail[tail.length - 1] === 0xd9))
    return 'the file is truncated (no JPEG end-of-image marker)';
  if (format === 'png' && !tail.subarray(0, 8).toString('latin1').includes('IEND'))
    return 'the file is truncated (no PNG IEND chunk)';
  if (format === 'gif' && tail[tail.length - 1] !== 0x3b) return 'the file is truncated (no GIF trailer)';
  return null;
}
