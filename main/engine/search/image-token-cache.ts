import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageTokens } from './query-encoder';

const MAGIC = 0x50534954; // "PSIT": Pairscope image tokens
const HEADER_BYTES = 12;

/**
 * Bounded on-disk cache of image tokens for ITM re-ranking (DESIGN.md §3 "Search": image tokens recomputed
 * or taken from a bounded cache). One file per (model version, content hash); least recently used files
 * are evicted once the total exceeds `maxBytes`. Recency survives restarts through file mtimes.
 * A file that does not parse is treated as a miss and removed; the cache never holds the only copy of anything.
 */
export class ImageTokenCache {
  /** key → bytes, in least-recently-used-first order (Map keeps insertion order). */
  private readonly entries = new Map<string, number>();
  private totalBytes = 0;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {
    mkdirSync(dir, { recursive: true });
    const found = readdirSync(dir)
      .filter((f) => f.endsWith('.tok'))
      .map((f) => {
        const s = statSync(join(dir, f));
        return { key: f.slice(0, -4), bytes: s.size, mtime: s.mtimeMs };
      })
      .sort((a, b) => a.mtime - b.mtime);
    for (const e of found) {
      this.entries.set(e.key, e.bytes);
      this.totalBytes += e.bytes;
    }
    this.evict();
  }

  static key(modelVersion: string, contentHash: string): string {
    return `${modelVersion}-${contentHash}`.replace(/[^A-Za-z0-9._-]/g, '_');
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): ImageTokens | undefined {
    const bytes = this.entries.get(key);
    if (bytes === undefined) return undefined;
    const file = this.fileOf(key);
    let tokens: ImageTokens | undefined;
    try {
      tokens = decode(readFileSync(file));
    } catch {
      tokens = undefined;
    }
    if (!tokens) {
      this.remove(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, bytes);
    try {
      const now = new Date();
      utimesSync(file, now, now); // recency for the next process; a failure only costs LRU precision
    } catch {
      /* the file was removed under us: it is a hit all the same */
    }
    return tokens;
  }

  put(key: string, tokens: ImageTokens): void {
    const buf = encode(tokens);
    if (buf.length > this.maxBytes) return; // larger than the whole budget: not cached
    const file = this.fileOf(key);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, buf);
    renameSync(tmp, file); // atomic: a reader sees the old file or the whole new one
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.totalBytes -= old;
      this.entries.delete(key);
    }
    this.entries.set(key, buf.length);
    this.totalBytes += buf.length;
    this.evict();
  }

  private evict(): void {
    for (const [key] of this.entries) {
      if (this.totalBytes <= this.maxBytes) break;
      this.remove(key);
    }
  }

  private remove(key: string): void {
    const bytes = this.entries.get(key);
    if (bytes === undefined) return;
    this.entries.delete(key);
    this.totalBytes -= bytes;
    rmSync(this.fileOf(key), { force: true });
  }

  private fileOf(key: string): string {
    return join(this.dir, `${key}.tok`);
  }
}

function encode(t: ImageTokens): Buffer {
  if (t.data.length !== t.count * t.width)
    throw new RangeError(`image tokens: ${t.data.length} ≠ ${t.count}×${t.width}`);
  const buf = Buffer.allocUnsafe(HEADER_BYTES + t.data.byteLength);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(t.count, 4);
  buf.writeUInt32LE(t.width, 8);
  Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(buf, HEADER_BYTES);
  return buf;
}

function decode(buf: Buffer): ImageTokens | undefined {
  if (buf.length < HEADER_BYTES || buf.readUInt32LE(0) !== MAGIC) return undefined;
  const count = buf.readUInt32LE(4);
  const width = buf.readUInt32LE(8);
  if (buf.length !== HEADER_BYTES + count * width * 4) return undefined;
  const data = new Float32Array(count * width);
  new Uint8Array(data.buffer).set(buf.subarray(HEADER_BYTES));
  return { data, count, width };
}
