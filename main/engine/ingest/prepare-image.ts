/**
 * The CPU-heavy part of preparing one image for the library: one decode (bomb guard, EXIF rotation, working
 * copy), both thumbnails, the model's R×R pixels through the runtime's resampler, and the EXIF facts. Runs in a
 * DecodePool worker (prepare-worker.ts) or, without a pool, on the calling thread.
 */
import type { ImageSpec } from '../model/preprocess';
import { readExif, type ExifFacts } from './exif';
import { decodeImage, type DecodeLimits } from './image-decode';
import { modelRgb } from './model-input';
import type { ImageFormat } from './sniff';
import { ThumbnailCache } from './thumbnails';

export interface PrepareImageRequest {
  bytes: Uint8Array;
  format: ImageFormat;
  hash: string;
  spec: ImageSpec;
  limits: DecodeLimits;
  thumbsRoot: string;
}

export interface PreparedImage {
  width: number;
  height: number;
  exif: ExifFacts;
  rgb: Uint8Array;
}

export async function prepareImage(req: PrepareImageRequest): Promise<PreparedImage> {
  const bytes = Buffer.from(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength);
  const decoded = await decodeImage(bytes, req.format, req.limits);
  const thumbnails = new ThumbnailCache(req.thumbsRoot);
  if (!(await thumbnails.has(req.hash))) await thumbnails.write(req.hash, decoded);
  const rgb = await modelRgb(decoded, req.spec);
  const exif = await readExif(bytes);
  return { width: decoded.width, height: decoded.height, exif, rgb };
}
