import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNoisyManifests } from './build-noise';
import { toJsonl, toRecord, type EmojiRecord } from './manifest';
import { applyNoise, NOISE_MODES } from './noise';
import { mulberry32 } from './prng';
import { ALL_STYLES, loadConcepts, loadStyleImages, type Style } from './sources';
import { buildSplit } from './split';

let core: EmojiRecord[];
let ext: EmojiRecord[];
let dir: string;

beforeAll(() => {
  const images = Object.fromEntries(ALL_STYLES.map((s) => [s, loadStyleImages(s)])) as Record<
    Style,
    Map<string, string>
  >;
  const split = buildSplit(loadConcepts('en'), images);
  core = split.core.map(toRecord);
  ext = split.ext.map(toRecord);
  dir = mkdtempSync(join(tmpdir(), 'pairscope-noise-'));
  writeFileSync(join(dir, 'train_core.jsonl'), toJsonl(core));
  writeFileSync(join(dir, 'test_fluent.jsonl'), toJsonl(split.fluent.map(toRecord)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('mulberry32', () => {
  it('gives the reference stream for seed 1', () => {
    const r = mulberry32(1);
    expect([r(), r(), r()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  });
});

describe('applyNoise on the real training manifests', () => {
  it.each(NOISE_MODES.flatMap((m) => [0, 0.1, 0.2, 0.4, 0.6].map((p) => [m, p] as const)))(
    '%s at rate %s corrupts exactly round(p·N) rows of train_core',
    (mode, rate) => {
      const out = applyNoise(core, mode, rate, 1);
      expect(out.filter((r) => r.noisy)).toHaveLength(Math.round(rate * core.length));
    },
  );

  it.each(NOISE_MODES)('%s gives exact rates on train_ext too', (mode) => {
    expect(applyNoise(ext, mode, 0.4, 7).filter((r) => r.noisy)).toHaveLength(Math.round(0.4 * ext.length));
  });

  it.each(NOISE_MODES)('%s is byte-for-byte reproducible and depends on the seed', (mode) => {
    const a = toJsonl(applyNoise(core, mode, 0.2, 1));
    expect(sha(toJsonl(applyNoise(core, mode, 0.2, 1)))).toBe(sha(a));
    expect(sha(toJsonl(applyNoise(core, mode, 0.2, 2)))).not.toBe(sha(a));
  });

  it.each(NOISE_MODES)('%s leaves clean rows identical and keeps the truth on noisy rows', (mode) => {
    const out = applyNoise(core, mode, 0.4, 3);
    out.forEach((r, i) => {
      const src = core[i]!;
      expect(r.original_caption).toBe(src.caption);
      expect(r.original_caption_tags).toBe(src.caption_tags);
      expect(r.image).toBe(src.image);
      expect(r.id).toBe(src.id);
      if (!r.noisy)
        expect({
          ...r,
          noisy: undefined,
          noise_mode: undefined,
          original_caption: undefined,
          original_caption_tags: undefined,
        }).toEqual({
          ...src,
          noisy: undefined,
          noise_mode: undefined,
          original_caption: undefined,
          original_caption_tags: undefined,
        });
    });
  });

  it('swap gives every picked row a different label taken from another picked row', () => {
    const out = applyNoise(core, 'swap', 0.6, 5);
    const noisy = out.filter((r) => r.noisy);
    for (const r of noisy) expect(r.caption).not.toBe(r.original_caption);
    // A cyclic shift is a permutation of the picked captions.
    expect(noisy.map((r) => r.caption).sort()).toEqual(noisy.map((r) => r.original_caption).sort());
  });

  it('hard takes the label of another concept of the same subgroup present in the training rows', () => {
    const captionsBySubgroup = new Map<string, Set<string>>();
    for (const r of core)
      captionsBySubgroup.set(r.subgroup, (captionsBySubgroup.get(r.subgroup) ?? new Set()).add(r.caption));
    const out = applyNoise(core, 'hard', 0.6, 5);
    for (const r of out.filter((x) => x.noisy)) {
      expect(r.caption).not.toBe(r.original_caption);
      expect(captionsBySubgroup.get(r.subgroup)!.has(r.caption)).toBe(true);
    }
  });

  it('partial keeps the label and changes the tag caption', () => {
    const out = applyNoise(core, 'partial', 0.6, 5);
    for (const r of out.filter((x) => x.noisy)) {
      expect(r.caption).toBe(r.original_caption);
      expect(r.caption_tags).not.toBe(r.original_caption_tags);
      expect(r.caption_tags).toBe(r.tags.join(', '));
    }
  });

  it('refuses a rate outside [0, 1]', () => {
    expect(() => applyNoise(core, 'swap', 1.5, 1)).toThrow('[0, 1]');
  });
});

describe('writeNoisyManifests', () => {
  it('writes named noisy train files and leaves the test manifest untouched', () => {
    const before = readFileSync(join(dir, 'test_fluent.jsonl'), 'utf8');
    const w = writeNoisyManifests({
      dir,
      manifests: ['train_core'],
      modes: ['hard'],
      rates: [0.2],
      seed: 1,
    });
    expect(w).toEqual([
      {
        file: join(dir, 'train_core.noisy-hard-0.2-s1.jsonl'),
        rows: core.length,
        noisy: Math.round(0.2 * core.length),
      },
    ]);
    expect(() =>
      writeNoisyManifests({
        dir,
        manifests: ['test_fluent'],
        modes: ['swap'],
        rates: [0.2],
        seed: 1,
      }),
    ).toThrow('training manifests only');
    expect(readFileSync(join(dir, 'test_fluent.jsonl'), 'utf8')).toBe(before);
    expect(readdirSync(dir).sort()).toEqual([
      'test_fluent.jsonl',
      'train_core.jsonl',
      'train_core.noisy-hard-0.2-s1.jsonl',
    ]);
  });
});

describe('applyNoise on too few distinct captions', () => {
  it('refuses instead of giving an inexact rate', () => {
    // Two concepts × three styles: three swapped rows would need an odd cycle over two labels.
    const rows = core.filter((r) => r.id === core[0]!.id || r.id === core[3]!.id);
    expect(rows).toHaveLength(6);
    expect(() => applyNoise(rows, 'swap', 0.5, 1)).toThrow('cannot corrupt exactly 3 of 6 rows');
    expect(applyNoise(rows, 'swap', 0.67, 1).filter((r) => r.noisy)).toHaveLength(4);
  });
});
