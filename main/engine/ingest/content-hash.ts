/**
 * Content identity of a file: sha256 of its bytes, hex. A moved or renamed file keeps its hash, so its
 * embedding and thumbnails are reused instead of recomputed (DESIGN §3 ingest, §5 thumbnails keyed by hash).
 *
 * @example await hashFile(Buffer.from('/photos/a.jpg')) // 'e3b0c442…'
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Streams the file, so a large video-sized file never sits in memory just to be hashed. */
export function hashFile(path: Buffer | string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(path, { highWaterMark: 1 << 20, signal });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}
