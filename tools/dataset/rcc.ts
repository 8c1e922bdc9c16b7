/**
 * Reader for Qt resource archives (`.rcc`, magic "qres"), the format GCompris ships its images in
 * (datasets.md, "Real photographs"). Layout, all big-endian:
 *   header: "qres", version u32, tree offset u32, data offset u32, names offset u32 (+ flags u32 when version ≥ 3)
 *   tree entry (14 bytes v1, 22 bytes v2+: an 8-byte modification time appended):
 *     name offset u32, flags u16 (0x2 directory, 0x1 zlib, 0x4 zstd),
 *     directory: child count u32, first child index u32; file: country u16, language u16, data offset u32
 *   name: length u16 (UTF-16 code units), hash u32, UTF-16BE text
 *   data: length u32, bytes; zlib-compressed data starts with a u32 uncompressed length (qCompress).
 * Entry 0 is the root directory; a directory's children are contiguous entries.
 */
import { inflateSync } from 'node:zlib';

export interface RccFile {
  /** Path inside the archive, '/'-separated, no leading slash. */
  path: string;
  /** Uncompressed bytes. */
  read(): Buffer;
}

const FLAG_COMPRESSED = 0x1;
const FLAG_DIRECTORY = 0x2;
const FLAG_ZSTD = 0x4;

export class RccFormatError extends Error {
  override name = 'RccFormatError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function parseRcc(buf: Buffer, source = '<rcc>'): RccFile[] {
  const fail = (code: string, what: string): never => {
    throw new RccFormatError(code, `${source}: ${what}`);
  };
  if (buf.length < 20 || buf.toString('latin1', 0, 4) !== 'qres')
    fail('RCC_MAGIC', 'not a Qt resource archive (no "qres" magic)');
  const version = buf.readUInt32BE(4);
  if (version < 1 || version > 3) fail('RCC_VERSION', `unsupported rcc version ${version}`);
  const treeOff = buf.readUInt32BE(8);
  const dataOff = buf.readUInt32BE(12);
  const namesOff = buf.readUInt32BE(16);
  const entrySize = version >= 2 ? 22 : 14;
  const u32 = (at: number, what: string): number =>
    at + 4 <= buf.length ? buf.readUInt32BE(at) : fail('RCC_TRUNCATED', `${what} at byte ${at} is past the end`);
  const u16 = (at: number, what: string): number =>
    at + 2 <= buf.length ? buf.readUInt16BE(at) : fail('RCC_TRUNCATED', `${what} at byte ${at} is past the end`);

  const nameAt = (off: number): string => {
    const at = namesOff + off;
    const len = u16(at, 'name length');
    const start = at + 6;
    if (start + 2 * len > buf.length) fail('RCC_TRUNCATED', `name at byte ${at} runs past the end`);
    // UTF-16BE → swap to LE for Node's decoder.
    const bytes = Buffer.from(buf.subarray(start, start + 2 * len));
    bytes.swap16();
    return bytes.toString('utf16le');
  };

  const files: RccFile[] = [];
  const seen = new Set<number>();
  const walk = (index: number, prefix: string): void => {
    if (seen.has(index)) fail('RCC_CYCLE', `tree entry ${index} is reached twice`);
    seen.add(index);
    const at = treeOff + index * entrySize;
    const flags = u16(at + 4, `flags of tree entry ${index}`);
    const name = index === 0 ? '' : nameAt(u32(at, `name of tree entry ${index}`));
    const path = prefix === '' ? name : `${prefix}/${name}`;
    if (flags & FLAG_DIRECTORY) {
      const count = u32(at + 6, `child count of tree entry ${index}`);
      const first = u32(at + 10, `first child of tree entry ${index}`);
      for (let i = 0; i < count; i++) walk(first + i, path);
      return;
    }
    const dataAt = dataOff + u32(at + 10, `data offset of tree entry ${index}`);
    const length = u32(dataAt, `data length of ${path}`);
    if (dataAt + 4 + length > buf.length) fail('RCC_TRUNCATED', `data of ${path} runs past the end`);
    files.push({
      path,
      read: () => {
        const raw = buf.subarray(dataAt + 4, dataAt + 4 + length);
        if (flags & FLAG_ZSTD) fail('RCC_ZSTD', `${path} is zstd-compressed, which this reader does not decode`);
        if (!(flags & FLAG_COMPRESSED)) return Buffer.from(raw);
        const expected = raw.readUInt32BE(0);
        const out = inflateSync(raw.subarray(4));
        if (out.length !== expected)
          fail('RCC_INFLATE', `${path} inflated to ${out.length} bytes, header says ${expected}`);
        return out;
      },
    });
  };
  walk(0, '');
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
