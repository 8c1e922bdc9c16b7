import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8 } from './text-input';

describe('firstInvalidUtf8', () => {
  it.each([
    ['valid ASCII and multi-byte text', [...new TextEncoder().encode('café 😀')], -1],
    ['a Latin-1 é before a space', [0x63, 0x61, 0x66, 0xe9, 0x20], 3],
    ['a stray continuation byte', [0x61, 0x80], 1],
    ['an overlong encoding of "/"', [0xc0, 0xaf], 0],
    ['an encoded surrogate U+D800', [0x61, 0xed, 0xa0, 0x80], 1],
    ['a sequence cut at the end', [0x61, 0xf0, 0x9f, 0x98], 1],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
  ])('%s → %i', (_name, bytes, expected) => {
    expect(firstInvalidUtf8(new Uint8Array(bytes as number[]))).toBe(expected);
    // Agrees with the platform's fatal decoder on validity.
    let valid = true;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes as number[]));
    } catch {
      valid = false;
    }
    expect(valid).toBe(expected === -1);
  });
});
