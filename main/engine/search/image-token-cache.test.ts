import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../store/test-support/temp-dir';
import { ImageTokenCache } from './image-token-cache';

const tmp = useTempDir('pairscope-tokens-');

const tokens = (fill: number) => ({ data: new Float32Array(10 * 25).fill(fill), count: 10, width: 25 }); // 1000 B + 12

describe('ImageTokenCache', () => {
  it('returns what was put, byte for byte', () => {
    const c = new ImageTokenCache(tmp.dir, 10_000);
    c.put('a', tokens(1.5));
    expect(c.get('a')).toEqual(tokens(1.5));
    expect(c.get('b')).toBeUndefined();
    expect(c.bytes).toBe(1012);
  });

  it('evicts the least recently used entries once over its byte budget', () => {
    const c = new ImageTokenCache(tmp.dir, 3 * 1012);
    c.put('a', tokens(1));
    c.put('b', tokens(2));
    c.put('c', tokens(3));
    c.get('a'); // a is now the most recent; b the least
    c.put('d', tokens(4));
    expect([c.get('a'), c.get('b'), c.get('c'), c.get('d')].map((t) => t?.data[0])).toEqual([1, undefined, 3, 4]);
    expect(c.bytes).toBe(3 * 1012);
    expect(readdirSync(tmp.dir).sort()).toEqual(['a.tok', 'c.tok', 'd.tok']);
  });

  it('keeps its contents and recency across instances, and trims to a smaller budget', () => {
    const c = new ImageTokenCache(tmp.dir, 10_000);
    c.put('old', tokens(1));
    c.put('new', tokens(2));
    utimesSync(join(tmp.dir, 'old.tok'), new Date(1000), new Date(1000));
    const again = new ImageTokenCache(tmp.dir, 1012);
    expect(again.size).toBe(1);
    expect(again.get('new')?.data[0]).toBe(2);
    expect(again.get('old')).toBeUndefined();
  });

  it('treats a damaged file as a miss and removes it', () => {
    const c = new ImageTokenCache(tmp.dir, 10_000);
    c.put('a', tokens(1));
    writeFileSync(join(tmp.dir, 'a.tok'), 'not tokens');
    expect(c.get('a')).toBeUndefined();
    expect(readdirSync(tmp.dir)).toEqual([]);
    expect(c.bytes).toBe(0);
  });
});
