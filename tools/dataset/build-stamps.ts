/**
 * Tux Paint stamps with their English captions, for the demo library (datasets.md, "Real photographs").
 *   npx tsx tools/dataset/build-stamps.ts --out data/tuxpaint [--stamps-dir /usr/share/tuxpaint/stamps]
 * Writes images/<stamp id>.png (on white; SVG-only stamps rendered 512 px wide), stamps.jsonl, LICENSES.md, SUMMARY.json.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { writeJsonl } from './manifest';
import { flatFraction, PHOTO_FLAT_FRACTION_MAX } from './photographic';
import { DEFAULT_STAMPS_DIR, loadStamps, type Stamp } from './stamps';

export interface StampRecord {
  image: string;
  caption: string;
  id: string;
  category: string[];
  source_format: 'png' | 'svg';
  photographic: boolean;
  flat_fraction: number;
  translations: Record<string, string>;
  licence: string;
}

export async function renderStamp(s: Stamp): Promise<Buffer> {
  const img =
    s.format === 'svg'
      ? sharp(readFileSync(s.image), { density: 144 }).resize({
          width: 512,
          withoutEnlargement: false,
        })
      : sharp(s.image);
  return img.flatten({ background: '#ffffff' }).png().toBuffer();
}

export async function stampRecord(s: Stamp): Promise<StampRecord> {
  const flat = s.format === 'png' ? await flatFraction(s.image) : 1;
  return {
    image: `images/${s.id}.png`,
    caption: s.caption,
    id: s.id,
    category: s.category,
    source_format: s.format,
    // SVG stamps are drawings by construction.
    photographic: s.format === 'png' && flat < PHOTO_FLAT_FRACTION_MAX,
    flat_fraction: Math.round(flat * 1000) / 1000,
    translations: s.translations,
    licence: 'GPL-2.0-or-later',
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'data/tuxpaint' },
      'stamps-dir': { type: 'string', default: DEFAULT_STAMPS_DIR },
    },
  });
  const out = resolve(values.out!);
  rmSync(join(out, 'SUMMARY.json'), { force: true });
  const { stamps, problems } = loadStamps(values['stamps-dir']!);
  for (const p of problems) console.warn(`skipped ${p}`);
  const records: StampRecord[] = [];
  for (const s of stamps) {
    const dest = join(out, 'images', `${s.id}.png`);
    mkdirSync(dirname(dest), { recursive: true });
    try {
      writeFileSync(dest, await renderStamp(s));
      records.push(await stampRecord(s));
    } catch (e) {
      console.warn(`skipped ${s.image}: ${(e as Error).message}`);
    }
  }
  writeJsonl(join(out, 'stamps.jsonl'), records);
  writeFileSync(
    join(out, 'LICENSES.md'),
    '# Licence of data/tuxpaint\n\nImages and captions from the Debian package tuxpaint-stamps-default (Tux Paint stamps, ' +
      'Copyright 2002-2022 Bill Kendrick and contributors), GPL-2.0-or-later; see /usr/share/doc/tuxpaint-stamps-default/copyright. ' +
      'The PNGs here are the stamps flattened on white (SVG stamps rendered 512 px wide).\n',
  );
  const summary = {
    stamps: records.length,
    photographic: records.filter((r) => r.photographic).length,
    from_svg: records.filter((r) => r.source_format === 'svg').length,
    skipped: problems.length + (stamps.length - records.length),
  };
  writeFileSync(join(out, 'SUMMARY.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log(JSON.stringify(summary));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
