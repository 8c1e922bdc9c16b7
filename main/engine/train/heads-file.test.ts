import { describe, expect, it } from 'vitest';
import { headParameters, withAdapters } from './heads';
import { parseHeadsFile, serializeHeadsFile } from './heads-file';
import { reprojectEmbeddings } from './reproject';
import { mulberry32 } from './rng';
import { syntheticLibrary } from './synthetic-pairs';

const lib = syntheticLibrary({
  concepts: 10,
  pairsPerConcept: 2,
  imageWidth: 12,
  textWidth: 8,
  embedDim: 4,
  latentDim: 3,
  styles: 2,
  hardNoise: 0,
  heldOutFraction: 0.2,
  seed: 2,
});

describe('heads safetensors', () => {
  it('round-trips heads, adapters, momentum copies and extra tensors bit for bit, under the bundle-format names', () => {
    const heads = withAdapters(lib.base, 3, mulberry32(1));
    heads.vision.adapter!.fc2.weight[5] = 0.25;
    const itm = { shape: [2, 8], data: Float32Array.from({ length: 16 }, (_, i) => i / 7) };
    const bytes = serializeHeadsFile(
      { heads, momentum: lib.base, extra: { 'itm_head.weight': itm } },
      { version: 'ft-1' },
    );
    const back = parseHeadsFile(bytes);
    const a = headParameters(heads);
    headParameters(back.heads).forEach((p, i) => {
      expect(p.name).toBe(a[i]!.name);
      expect(Array.from(p.data)).toEqual(Array.from(a[i]!.data));
    });
    expect(Array.from(back.momentum.vision.proj.weight)).toEqual(Array.from(lib.base.vision.proj.weight));
    expect(back.momentum.vision.adapter).toBeNull();
    expect(Array.from(back.extra['itm_head.weight']!.data)).toEqual(Array.from(itm.data));
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<
      string,
      { shape: number[] }
    >;
    expect(header['vision_proj.weight']!.shape).toEqual([4, 12]);
    expect(header['text_proj_m.bias']!.shape).toEqual([4]);
    expect((8 + headerLen) % 8).toBe(0);
  });

  it('refuses a file with a missing tensor or a wrong dtype, naming the file and tensor', () => {
    const bytes = serializeHeadsFile({ heads: lib.base, momentum: lib.base, extra: {} });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const json = new TextDecoder().decode(bytes.subarray(8, 8 + headerLen));
    const patch = (j: string) => {
      const hb = new TextEncoder().encode(j.padEnd(headerLen, ' '));
      const out = bytes.slice();
      out.set(hb.subarray(0, headerLen), 8);
      return out;
    };
    expect(() => parseHeadsFile(patch(json.replace('"temp"', '"tmpx"')), 'v2/heads.safetensors')).toThrow(
      'v2/heads.safetensors: missing tensor temp',
    );
    expect(() => parseHeadsFile(patch(json.replace('"F32"', '"F16"')))).toThrow(
      /heads.safetensors: tensor \S+ has dtype F16, expected F32/,
    );
    expect(() => parseHeadsFile(bytes.subarray(0, 4))).toThrow(
      'heads.safetensors: shorter than the 8-byte header length',
    );
  });
});

describe('reprojectEmbeddings', () => {
  it('equals norm(W·x + b) computed directly, for every stored item', () => {
    const { images, texts, dim } = reprojectEmbeddings(lib.base, {
      imageFeatures: lib.imageFeatures,
      imageWidth: 12,
      captionFeatures: lib.captionFeatures,
      captionWidth: 8,
    });
    expect(dim).toBe(4);
    expect(images).toHaveLength(20 * 4);
    const w = lib.base.text.proj.weight;
    for (let n = 0; n < 20; n++) {
      const z = [0, 1, 2, 3].map(
        (e) =>
          lib.base.text.proj.bias[e]! +
          [...Array(8).keys()].reduce((s, i) => s + w[e * 8 + i]! * lib.captionFeatures[n * 8 + i]!, 0),
      );
      const norm = Math.hypot(...z);
      z.forEach((v, e) => expect(texts[n * 4 + e]!).toBeCloseTo(v / norm, 6));
    }
  });
});
