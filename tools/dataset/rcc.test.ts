import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseRcc, RccFormatError } from './rcc';

/**
 * Encode a small archive by the layout in rcc.ts: root/ a/ { x.txt (stored), y.txt (zlib) }.
 * Written independently of the reader so a shared misreading of the format cannot hide.
 */
function encodeRcc(version: 1 | 2 | 3): Buffer {
  const names: Buffer[] = [];
  const nameOffsets: number[] = [];
  let namesLen = 0;
  for (const n of ['a', 'x.txt', 'y.txt']) {
    const body = Buffer.from(n, 'utf16le').swap16();
    const rec = Buffer.alloc(6 + body.length);
    rec.writeUInt16BE(n.length, 0);
    rec.writeUInt32BE(0, 2); // hash: unused by the reader
    body.copy(rec, 6);
    nameOffsets.push(namesLen);
    names.push(rec);
    namesLen += rec.length;
  }
  const xBytes = Buffer.from('stored bytes');
  const yPlain = Buffer.from('compressed bytes, compressed bytes, compressed bytes');
  const yBody = Buffer.concat([Buffer.alloc(4), deflateSync(yPlain)]);
  yBody.writeUInt32BE(yPlain.length, 0);
  const blob = (b: Buffer): Buffer => {
    const r = Buffer.alloc(4 + b.length);
    r.writeUInt32BE(b.length, 0);
    b.copy(r, 4);
    return r;
  };
  const xData = blob(xBytes);
  const yData = blob(yBody);
  const entry = version >= 2 ? 22 : 14;
  const entryAt = (nameOff: number, flags: number, a: number, b: number): Buffer => {
    const e = Buffer.alloc(entry);
    e.writeUInt32BE(nameOff, 0);
    e.writeUInt16BE(flags, 4);
    e.writeUInt32BE(a, 6);
    e.writeUInt32BE(b, 10);
    return e;
  };
  const tree = Buffer.concat([
    entryAt(0, 0x2, 1, 1), // root: 1 child starting at entry 1
    entryAt(nameOffsets[0]!, 0x2, 2, 2), // a/: 2 children starting at entry 2
    entryAt(nameOffsets[1]!, 0x0, 0, 0), // x.txt at data offset 0 (country/language = 0 in bytes 6..9)
    entryAt(nameOffsets[2]!, 0x1, 0, xData.length), // y.txt, zlib
  ]);
  const headerLen = version >= 3 ? 24 : 20;
  const dataOff = headerLen;
  const namesOff = dataOff + xData.length + yData.length;
  const treeOff = namesOff + namesLen;
  const header = Buffer.alloc(headerLen);
  header.write('qres', 0, 'latin1');
  header.writeUInt32BE(version, 4);
  header.writeUInt32BE(treeOff, 8);
  header.writeUInt32BE(dataOff, 12);
  header.writeUInt32BE(namesOff, 16);
  return Buffer.concat([header, xData, yData, ...names, tree]);
}

describe('parseRcc on archives built by the test', () => {
  it.each([1, 2, 3] as const)('reads stored and zlib files of a version %i archive', (v) => {
    const files = parseRcc(encodeRcc(v));
    expect(files.map((f) => f.path)).toEqual(['a/x.txt', 'a/y.txt']);
    expect(files[0]!.read().toString()).toBe('stored bytes');
    expect(files[1]!.read().toString()).toBe('compressed bytes, compressed bytes, compressed bytes');
  });

  it('rejects a file without the qres magic, naming the source', () => {
    const bad = Buffer.from(encodeRcc(2));
    bad.write('qrez', 0, 'latin1');
    expect(() => parseRcc(bad, 'bad.rcc')).toThrow(RccFormatError);
    expect(() => parseRcc(bad, 'bad.rcc')).toThrow('bad.rcc: not a Qt resource archive');
  });

  it('rejects a truncated archive with a code instead of reading past the end', () => {
    const whole = encodeRcc(2);
    try {
      parseRcc(whole.subarray(0, whole.length - 10), 'cut.rcc');
      expect.unreachable();
    } catch (e) {
      expect((e as RccFormatError).code).toBe('RCC_TRUNCATED');
      expect((e as Error).message).toMatch(/^cut\.rcc: /);
    }
  });
});

describe('parseRcc on a real GCompris archive', () => {
  it('lists and inflates erase.rcc: its licence README and a decodable photo', async () => {
    const files = parseRcc(readFileSync('/usr/share/gcompris-qt/rcc/erase.rcc'), 'erase.rcc');
    const byPath = new Map(files.map((f) => [f.path, f]));
    expect(files).toHaveLength(45);
    const readme = byPath.get('gcompris/src/activities/erase/resource/README')!.read().toString('utf8');
    expect(readme.startsWith('Copyright: Timothée Giet, 2022\nLicense: CC-BY-SA 4.0\n')).toBe(true);
    const photo = byPath.get('gcompris/src/activities/erase/resource/alpaca.webp')!.read();
    const meta = await sharp(photo).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.width).toBeGreaterThan(100);
  });
});
