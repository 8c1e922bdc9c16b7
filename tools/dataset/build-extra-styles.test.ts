import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { buildExtraStyles, iconSvg, lookupNames, parseStyles, squash } from './build-extra-styles';
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
      rows: number;
      styles: Record<string, { icons: number; joined: number; held_out: number; unjoined: number }>;
    };
    const rows = readJsonl<EmojiRecord>(readFileSync(join(dir, 'train_plus.jsonl'), 'utf8'), 'train_plus.jsonl');
    expect(rows[0]).toEqual(ext);
    expect(rows).toHaveLength(r.rows);
    // The default is what the shipped model was trained on: two extra styles, nothing else.
    expect(Object.keys(r.styles)).toEqual(['emojione', 'fxemoji']);
    expect(existsSync(join(dir, 'train_plus2.jsonl'))).toBe(false);
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

  it('reads Streamline names as CLDR slugs with a drawing-number suffix, flags by country name', () => {
    expect(lookupNames('streamline-emojis', 'man-cook-1')).toEqual(['flag man-cook', 'man-cook']);
    expect(lookupNames('streamline-emojis', 'japan')).toEqual(['flag japan', 'japan']);
    expect(lookupNames('streamline-emojis', 'turkey')).toEqual(['flag: Türkiye']);
    expect(lookupNames('streamline-emojis', '2')).toEqual(['flag 2', '2']);
    expect(lookupNames('emojione', 'red-apple')).toEqual(['red-apple']);
    expect(parseStyles('emojione, streamline-emojis')).toEqual(['emojione', 'streamline-emojis']);
    expect(() => parseStyles('emojione,fluent')).toThrow('--styles: unknown style "fluent"');
  });

  it('builds train_plus2 with Streamline emoji as a third style, first drawing per concept, held-out dropped', async () => {
    // Same folder as above: the EmojiOne and Firefox OS PNGs exist, so only the Streamline icons are rendered.
    const r = (await buildExtraStyles(
      dir,
      16,
      () => {},
      ['emojione', 'fxemoji', 'streamline-emojis'],
      'train_plus2.jsonl',
    )) as {
      rows: number;
      styles: Record<string, { icons: number; joined: number; held_out: number; unjoined: number }>;
    };
    const plus = readFileSync(join(dir, 'train_plus.jsonl'), 'utf8');
    const plus2 = readFileSync(join(dir, 'train_plus2.jsonl'), 'utf8');
    expect(plus2.startsWith(plus)).toBe(true);
    const rows = readJsonl<EmojiRecord>(plus2, 'train_plus2.jsonl');
    expect(rows).toHaveLength(r.rows);
    // From the installed @iconify-json/streamline-emojis@1.2.4 and emojibase-data@17 with the fixed split.
    expect(r.styles['streamline-emojis']).toEqual({ icons: 787, joined: 466, held_out: 158, unjoined: 163 });
    const sl = rows.filter((x) => x.style === 'streamline-emojis');
    expect(sl).toHaveLength(466);
    const byId = new Map(sl.map((x) => [x.id, x]));
    expect(byId.get('1f469-200d-1f373')?.caption).toBe('woman cook'); // woman-cook-1
    expect(byId.get('1f1ef-1f1f5')?.caption).toBe('flag: Japan'); // japan, a flag
    expect(byId.has('1f5fe')).toBe(false); // not the map of Japan
    expect(byId.get('1f63a')?.image).toBe('images/streamline-emojis/1f63a.png'); // grinning-cat-face
    expect(byId.get('1f3b2')?.caption).toBe('game die'); // game-dice
    // Split rule: man cook, turkey (flag: Türkiye) and cloud are held-out concepts; none enters in any form.
    expect(byId.has('1f468-200d-1f373')).toBe(false);
    expect(byId.has('1f1f9-1f1f7')).toBe(false);
    expect(byId.has('2601')).toBe(false);
    expect(sl.filter((x) => isHeldOut(x.label))).toEqual([]);
    expect(sl.some((x) => /fluent/i.test(x.image))).toBe(false);
    expect(new Set(sl.map((x) => x.id)).size).toBe(466);
    for (const x of sl.slice(0, 20)) {
      const m = await sharp(join(dir, x.image)).metadata();
      expect([m.width, m.height, m.channels]).toEqual([16, 16, 3]);
    }
  }, 60_000);
});
