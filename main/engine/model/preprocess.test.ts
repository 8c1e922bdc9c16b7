import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS, decodeImage, normaliseInto, type ImageSpec } from './preprocess';

const SPEC: ImageSpec = {
  resolution: 384,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
  background: [255, 255, 255],
};
const ROOT = path.resolve(__dirname, '../../..');
const work = mkdtempSync(path.join(tmpdir(), 'preprocess-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** n files spread evenly over the sorted listing (not just the first few of one kind). */
function spreadFiles(dir: string, ext: string, n: number): string[] {
  const all = readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort();
  return Array.from({ length: n }, (_, i) => path.join(dir, all[Math.floor((i * all.length) / n)]!));
}

/** Runs preprocess.reference.py (PIL bicubic squash + ToTensor + Normalize) on the files. */
function pythonReference(files: string[], spec: ImageSpec): Float32Array {
  const req = path.join(work, `req-${files.length}.json`);
  const out = path.join(work, `ref-${files.length}.f32`);
  writeFileSync(req, JSON.stringify({ ...spec, files }));
  execFileSync('/usr/bin/python3', [path.join(__dirname, 'preprocess.reference.py'), req, out]);
  const bytes = readFileSync(out);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** Mean |difference| in 0..1 pixel units (the normalised difference times std). */
async function compare(files: string[], limits = DEFAULT_DECODE_LIMITS) {
  const ref = pythonReference(files, SPEC);
  const plane = SPEC.resolution * SPEC.resolution;
  const n = 3 * plane;
  const ours = new Float32Array(n);
  return Promise.all(
    files.map(async (file, i) => {
      normaliseInto((await decodeImage(file, SPEC, limits)).rgb, SPEC, ours, 0);
      let sum = 0;
      let max = 0;
      for (let p = 0; p < n; p++) {
        const d = Math.abs(ours[p]! - ref[i * n + p]!) * SPEC.std[Math.floor(p / plane)]!;
        sum += d;
        if (d > max) max = d;
      }
      return { file: path.relative(ROOT, file), mean: sum / n, max };
    }),
  );
}

describe('decodeImage parity with the Python reference preprocessing', () => {
  it('stays under 1/255 mean absolute difference on real photos and emoji (prints the figures)', async () => {
    // Real images from installed packages: photographs (Debian tuxpaint-data, python-matplotlib-data),
    // emoji with alpha (emoji-datasource-google PNG 64 px: upscaled; fluent-emoji-3d WebP 256 px).
    const files = [
      '/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg',
      ...spreadFiles('/usr/share/tuxpaint/templates', '.jpg', 6),
      ...spreadFiles(path.join(ROOT, 'node_modules/emoji-datasource-google/img/google/64'), '.png', 5),
      ...spreadFiles(path.join(ROOT, 'node_modules/@lobehub/fluent-emoji-3d/assets'), '.webp', 4),
    ];
    const rows = await compare(files);
    report('Pillow-exact resampler', rows);
    expect(rows).toHaveLength(16);
    for (const r of rows) expect(r.mean, r.file).toBeLessThan(1 / 255);
  });

  it("stays under 1/255 with libvips' reducer, the path for sources over exactResizeMaxPixels", async () => {
    const photos = [
      '/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg',
      ...spreadFiles('/usr/share/tuxpaint/templates', '.jpg', 6),
    ];
    const rows = await compare(photos, { ...DEFAULT_DECODE_LIMITS, exactResizeMaxPixels: 0 });
    report('libvips cubic reducer', rows);
    for (const r of rows) expect(r.mean, r.file).toBeLessThan(1 / 255);
  });

  function report(what: string, rows: Array<{ file: string; mean: number; max: number }>) {
    const overall = rows.reduce((s, r) => s + r.mean, 0) / rows.length;
    console.log(
      `preprocess parity vs PIL, ${what} (${rows.length} images): mean |Δ| = ${(overall * 255).toFixed(4)}/255\n` +
        rows
          .map((r) => `  ${r.file}: mean ${(r.mean * 255).toFixed(4)}/255, max ${(r.max * 255).toFixed(1)}/255`)
          .join('\n'),
    );
    expect(overall).toBeLessThan(1 / 255);
  }

  it('applies EXIF orientation, takes the first GIF frame and reads greyscale and TIFF like the reference', async () => {
    const photo = '/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg';
    const rotated = path.join(work, 'rotated.jpg');
    await sharp(photo)
      .resize(300, 200, { fit: 'fill' })
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 90 })
      .toFile(rotated);
    const grey = path.join(work, 'grey.png');
    await sharp(photo).resize(200, 150).greyscale().png().toFile(grey);
    const tiff = path.join(work, 'photo.tiff');
    await sharp(photo).resize(500, 400).tiff().toFile(tiff);
    const gif = path.join(work, 'two-frames.gif');
    const red = { create: { width: 50, height: 40, channels: 3 as const, background: '#d02020' } };
    const frames = [
      await sharp(red).raw().toBuffer(),
      await sharp({ create: { ...red.create, background: '#2020d0' } })
        .raw()
        .toBuffer(),
    ];
    await sharp(Buffer.concat(frames), { raw: { width: 50, height: 80, channels: 3, pageHeight: 40 } })
      .gif({ loop: 0 })
      .toFile(gif);

    const rows = await compare([rotated, grey, tiff, gif]);
    for (const r of rows) expect(r.mean, r.file).toBeLessThan(1 / 255);
    const decoded = await decodeImage(rotated, SPEC);
    expect([decoded.width, decoded.height]).toEqual([200, 300]); // orientation 6 = 90° turn
    const first = await decodeImage(gif, SPEC);
    expect(Array.from(first.rgb.subarray(0, 3))).toEqual([208, 32, 32]); // frame 1 is red, not blue
  });
});

describe('decodeImage formats', () => {
  it.each(['avif', 'webp', 'png', 'jpeg', 'tiff'] as const)('decodes %s to R×R RGB', async (format) => {
    const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#1e90ff' } })
      .toFormat(format)
      .toBuffer();
    const out = await decodeImage(bytes, { ...SPEC, resolution: 32 });
    expect(out.rgb).toHaveLength(32 * 32 * 3);
    expect(out.format).toBe(format === 'jpeg' ? 'jpeg' : format === 'avif' ? 'heif' : format);
    const [r, g, b] = out.rgb;
    expect(Math.abs(r! - 0x1e)).toBeLessThan(8);
    expect(Math.abs(g! - 0x90)).toBeLessThan(8);
    expect(Math.abs(b! - 0xff)).toBeLessThan(8);
  });

  it('renders an SVG at the model resolution and composites its transparency on the background', async () => {
    const file = path.join(ROOT, 'node_modules/@twemoji/svg/1f004.svg');
    const out = await decodeImage(file, SPEC);
    expect(out.format).toBe('svg');
    expect(Array.from(out.rgb.subarray(0, 3))).toEqual([255, 255, 255]); // transparent corner → white
  });

  it('composites alpha on the bundle background colour', async () => {
    const clear = await sharp({
      create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const out = await decodeImage(clear, { ...SPEC, resolution: 4, background: [10, 20, 30] });
    expect(Array.from(out.rgb.subarray(0, 6))).toEqual([10, 20, 30, 10, 20, 30]);
  });
});

describe('normaliseInto', () => {
  it('writes (x/255 − mean)/std per channel into the NCHW slot of the batch', () => {
    const spec: ImageSpec = { ...SPEC, resolution: 1 };
    const out = new Float32Array(6).fill(9);
    normaliseInto(new Uint8Array([255, 0, 51]), spec, out, 1);
    expect(Array.from(out.subarray(0, 3))).toEqual([9, 9, 9]);
    expect(out[3]).toBeCloseTo((1 - 0.48145466) / 0.26862954, 6);
    expect(out[4]).toBeCloseTo((0 - 0.4578275) / 0.26130258, 6);
    expect(out[5]).toBeCloseTo((0.2 - 0.40821073) / 0.27577711, 6);
  });
});
