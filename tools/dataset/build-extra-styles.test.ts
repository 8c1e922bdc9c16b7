import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { buildExtraStyles, iconSvg, squash } from './build-extra-styles';
import { readJsonl, type EmojiRecord } from './manifest';
import { isHeldOut } from './split';

const dir = mkdtempSync(join(tmpdir(), 'pairscope-extra-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('extra training styles from the Iconify emoji sets', () => {
  it('squashes CLDR slugs and Unicode names to one spelling', () => {
    expect(squash('red-apple')).toBe(squash('red apple'));
    expect(squash('AUBERGINE')).toBe('aubergine');
    expect(squash('piñata')).toBe('pinata');
  });

  it('writes an icon as a standalone SVG with its own or the set-wide view box', () => {
    expect(iconSvg({ icons: {}, width: 64, height: 64 }, { body: '<path d="M0 0"/>' })).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64"><path d="M0 0"/></svg>',
    );
    expect(iconSvg({ icons: {}, width: 64 }, { body: '', width: 32, height: 30, left: 2, top: 1 })).toContain(
      'viewBox="2 1 32 30"',
    );
  });

  it('appends joined, non-held-out pairs of both styles to train_ext and renders each image', async () => {
    const ext = { image: 'images/noto/1f34e.png', caption: 'red apple', id: '1f34e', style: 'noto' };
    writeFileSync(join(dir, 'train_ext.jsonl'), JSON.stringify(ext) + '\n');
    const r = (await buildExtraStyles(dir, 16)) as {
      train_plus: number;
      styles: Record<string, { icons: number; joined: number; held_out: number; unjoined: number }>;
    };
    const rows = readJsonl<EmojiRecord>(readFileSync(join(dir, 'train_plus.jsonl'), 'utf8'), 'train_plus.jsonl');
    expect(rows[0]).toEqual(ext);
    expect(rows).toHaveLength(r.train_plus);
    for (const s of ['emojione', 'fxemoji']) {
      const c = r.styles[s]!;
      expect(c.joined + c.held_out + c.unjoined).toBe(c.icons);
      expect(rows.filter((x) => x.style === s)).toHaveLength(c.joined);
      expect(c.joined).toBeGreaterThan(500);
    }
    // Leakage rule of datasets.md: a held-out concept never enters training, in any style.
    expect(rows.slice(1).filter((x) => isHeldOut(x.label) && x.id === x.base_id)).toEqual([]);
    const apple = rows.find((x) => x.style === 'emojione' && x.id === '1f34e');
    expect([apple?.caption, apple?.image]).toEqual(['red apple', 'images/emojione/1f34e.png']);
    expect(rows.find((x) => x.style === 'fxemoji' && x.caption === 'eggplant')?.id).toBe('1f346');
    for (const x of rows.slice(1, 40)) {
      expect(existsSync(join(dir, x.image))).toBe(true);
      const m = await sharp(join(dir, x.image)).metadata();
      expect([m.width, m.height]).toEqual([16, 16]);
    }
  }, 60_000);
});
