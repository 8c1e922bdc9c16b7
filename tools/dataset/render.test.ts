import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { rasterise } from './render';
import { loadStyleImages, ALL_STYLES } from './sources';

describe('rasterise', () => {
  it.each(ALL_STYLES)('renders the %s red apple as an opaque square PNG on white', async (style) => {
    const src = loadStyleImages(style).get('1f34e');
    expect(src).toBeDefined();
    const png = await rasterise(src!, 64);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 64, height: 64, channels: 3 });
    expect([...data.subarray(0, 3)]).toEqual([255, 255, 255]); // corner: transparent source → white
    const mid = (32 * 64 + 32) * 3;
    expect(data[mid]! - data[mid + 1]!).toBeGreaterThan(60); // centre: a red apple is red
  });
});
