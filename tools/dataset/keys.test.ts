import { describe, expect, it } from 'vitest';
import { keyFromFileName, normaliseKey } from './keys';

describe('normaliseKey', () => {
  it.each([
    ['1F600', '1f600'], // emojibase / OpenMoji upper case
    ['0023-FE0F-20E3', '23-20e3'], // leading zeros and FE0F dropped
    ['0023-fe0f-20e3', '23-20e3'], // Fluent spelling of the same keycap
    ['23-20e3', '23-20e3'], // Twemoji spelling of the same keycap
    ['1f3f3-fe0f-200d-1f308', '1f3f3-200d-1f308'], // Twemoji keeps FE0F inside ZWJ sequences
    ['1F3F3-FE0F-200D-1F308', '1f3f3-200d-1f308'],
    ['1f3f4-e0067_e0062_e0065_e006e_e0067', '1f3f4-e0067-e0062-e0065-e006e-e0067'], // Fluent underscores
    ['2764 fe0e', '2764'], // text-presentation selector dropped too
    ['00A9', 'a9'],
  ])('normalises %s to %s', (raw, key) => {
    expect(normaliseKey(raw)).toBe(key);
  });

  it('rejects a part that is not hexadecimal, naming it', () => {
    expect(() => normaliseKey('1f600-zz')).toThrow('"zz"');
  });
});

describe('keyFromFileName', () => {
  it('keys image files by their stem and ignores other files', () => {
    expect(keyFromFileName('1F468-1F3FB.svg')).toBe('1f468-1f3fb');
    expect(keyFromFileName('0031-fe0f-20e3.webp')).toBe('31-20e3');
    expect(keyFromFileName('package.json')).toBeNull();
    expect(keyFromFileName('license')).toBeNull();
  });
});
