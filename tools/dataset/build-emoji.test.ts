import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEmoji } from './build-emoji';
import { readJsonl, type EmojiRecord } from './manifest';

const out = mkdtempSync(join(tmpdir(), 'pairscope-emoji-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('buildEmoji on a subset of the real packages', () => {
  it('writes manifests whose every image exists at the asked size, then READY', async () => {
    const ready = await buildEmoji({ out, size: 32, limit: 6, noise: { modes: ['swap'], rates: [0.67], seed: 9 } });
    expect(ready.counts).toEqual({
      train_core: 6,
      train_ext: 6,
      test_fluent_seen: 6,
      test_fluent_novel: 6,
      test_fluent: 6,
    });
    expect(JSON.parse(readFileSync(join(out, 'READY'), 'utf8'))).toEqual(ready);
    expect(existsSync(join(out, 'LICENSES.md'))).toBe(true);

    for (const name of ['train_core', 'train_ext', 'test_fluent_seen', 'test_fluent_novel', 'test_fluent']) {
      const file = join(out, `${name}.jsonl`);
      const rows = readJsonl<EmojiRecord>(readFileSync(file, 'utf8'), file);
      expect(rows).toHaveLength(6);
      for (const r of rows) {
        expect(Object.keys(r).sort()).toEqual(
          ['base_id', 'caption', 'caption_tags', 'group', 'id', 'image', 'label', 'style', 'subgroup', 'tags'].sort(),
        );
        expect(r.caption).toBe(r.label);
        expect(r.style === 'fluent').toBe(name.startsWith('test_'));
        const meta = await sharp(join(out, r.image)).metadata();
        expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 32, 32, 3]);
      }
    }
    const noisy = readJsonl<{ noisy: boolean }>(
      readFileSync(join(out, 'train_core.noisy-swap-0.67-s9.jsonl'), 'utf8'),
      'noisy',
    );
    expect(noisy.filter((r) => r.noisy)).toHaveLength(4); // round(0.67·6); 3 of 6 cannot be a cycle over two labels
  });

  it('refuses a size outside 8..1024', async () => {
    await expect(buildEmoji({ out, size: 4 })).rejects.toThrow('--size must be an integer in 8..1024, got 4');
  });
});
