import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../store/test-support/temp-dir';
import { hashBytes } from './content-hash';
import { DecodePool } from './decode-pool';
import { DEFAULT_DECODE_LIMITS } from './image-decode';
import { prepareImage } from './prepare-image';
import { jpegWithExif, pngClaimingSize } from './test-images';
import { ThumbnailCache } from './thumbnails';

const spec = { resolution: 32, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], background: [255, 255, 255] } as const;
let tmp: ReturnType<typeof makeTempDir>;
let pool: DecodePool;
beforeEach(() => {
  tmp = makeTempDir('pairscope-pool-');
  pool = new DecodePool(2);
});
afterEach(async () => {
  await pool.dispose();
  tmp.remove();
});

describe('DecodePool', () => {
  it('prepares in a worker exactly what the calling thread would, and writes the thumbnails', async () => {
    const bytes = await jpegWithExif();
    const hash = hashBytes(bytes);
    const request = { format: 'jpeg' as const, hash, spec, limits: DEFAULT_DECODE_LIMITS, thumbsRoot: tmp.dir };
    const local = await prepareImage({ ...request, bytes: Buffer.from(bytes) });
    const remote = await pool.prepare({ ...request, bytes: Buffer.from(bytes) });
    if ('failed' in remote) throw new Error(remote.failed);
    expect([remote.width, remote.height, remote.exif]).toEqual([local.width, local.height, local.exif]);
    expect(Buffer.from(remote.rgb).equals(Buffer.from(local.rgb))).toBe(true);
    expect(await new ThumbnailCache(tmp.dir).has(hash)).toBe(true);
  });

  it('answers a bad image with its reason and keeps working; refuses work after dispose', async () => {
    const bomb = await pngClaimingSize(30000, 30000);
    const r = await pool.prepare({
      bytes: bomb,
      format: 'png',
      hash: hashBytes(bomb),
      spec,
      limits: DEFAULT_DECODE_LIMITS,
      thumbsRoot: tmp.dir,
    });
    expect(r).toEqual({ failed: 'image too large: the header claims 30000×30000 (900 MP), the limit is 150 MP' });
    const good = await jpegWithExif();
    expect(
      'failed' in
        (await pool.prepare({
          bytes: good,
          format: 'jpeg',
          hash: hashBytes(good),
          spec,
          limits: DEFAULT_DECODE_LIMITS,
          thumbsRoot: tmp.dir,
        })),
    ).toBe(false);
    await pool.dispose();
    await expect(
      pool.prepare({
        bytes: good,
        format: 'jpeg',
        hash: 'x',
        spec,
        limits: DEFAULT_DECODE_LIMITS,
        thumbsRoot: tmp.dir,
      }),
    ).rejects.toThrow('decode pool is disposed');
  });
});
