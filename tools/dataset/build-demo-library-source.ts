/**
 * A small, deterministic demo folder for the app's first run: real GCompris photos, photographic Tux Paint
 * cut-outs and Fluent 3D emoji renders (which look like product shots), with a pairs manifest of captions.
 *   npx tsx tools/dataset/build-demo-library-source.ts --out data/demo [--stamps 100] [--fluent 80]
 * Reads the installed packages directly (no earlier build step needed). Writes images/<source>/<name>.jpg
 * (white background, long side ≤ 1024), pairs.jsonl, LICENSES.md, SUMMARY.json.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { DEFAULT_RCC_DIR, loadGcomprisPhotos } from './build-gcompris';
import { writeJsonl } from './manifest';
import { flatFraction, PHOTO_FLAT_FRACTION_MAX } from './photographic';
import { loadConcepts, loadStyleImages, type Concept } from './sources';
import { DEFAULT_STAMPS_DIR, loadStamps, type Stamp } from './stamps';

export interface DemoPair {
  image: string;
  caption: string;
  /** Longer text where the source has one (GCompris facts). */
  description?: string;
  source: 'gcompris' | 'tuxpaint' | 'fluent-emoji-3d';
  licence: string;
  attribution: string;
}

/** Take `n` items spread evenly over a list (first, …, last), so the pick does not depend on list length quirks. */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (n >= items.length) return [...items];
  if (n <= 0) return [];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
}

/** Round-robin over top-level categories (sorted), so every category gets a share. */
export function pickStamps(stamps: readonly Stamp[], n: number): Stamp[] {
  const byTop = new Map<string, Stamp[]>();
  for (const s of [...stamps].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const top = s.category[0] ?? '';
    byTop.set(top, [...(byTop.get(top) ?? []), s]);
  }
  const queues = [...byTop.keys()].sort().map((k) => byTop.get(k)!);
  const out: Stamp[] = [];
  for (let round = 0; out.length < n && queues.some((q) => q.length > round); round++) {
    for (const q of queues) if (q[round] && out.length < n) out.push(q[round]!);
  }
  return out;
}

const FLUENT_GROUPS = ['animals-nature', 'food-drink', 'objects', 'travel-places', 'activities'];

export function pickFluent(concepts: Iterable<Concept>, fluent: Map<string, string>, n: number): Concept[] {
  const all = [...concepts];
  const perGroup = Math.ceil(n / FLUENT_GROUPS.length);
  return FLUENT_GROUPS.flatMap((g) =>
    spread(
      all.filter((c) => !c.isSkin && c.group === g && fluent.has(c.key)),
      perGroup,
    ),
  ).slice(0, n);
}

async function toJpeg(input: Buffer | string, svg = false): Promise<Buffer> {
  return (svg ? sharp(input, { density: 144 }) : sharp(input))
    .resize(1024, 1024, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 88, mozjpeg: false })
    .toBuffer();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'data/demo' },
      stamps: { type: 'string', default: '100' },
      fluent: { type: 'string', default: '80' },
    },
  });
  const out = resolve(values.out!);
  rmSync(join(out, 'SUMMARY.json'), { force: true });
  for (const d of ['gcompris', 'tuxpaint', 'fluent-emoji-3d']) mkdirSync(join(out, 'images', d), { recursive: true });
  const pairs: DemoPair[] = [];

  const { photos } = loadGcomprisPhotos(DEFAULT_RCC_DIR);
  const usedNames = new Set<string>();
  const uniqueName = (base: string): string => {
    let name = base;
    for (let k = 2; usedNames.has(name); k++) name = `${base}-${k}`;
    usedNames.add(name);
    return name;
  };
  for (const p of photos) {
    const stem = p.path.slice(p.path.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
    const rel = `images/gcompris/${uniqueName(`${p.activity}-${stem}`)}.jpg`;
    writeFileSync(join(out, rel), await toJpeg(p.file.read()));
    pairs.push({
      image: rel,
      caption: p.caption,
      ...(p.text ? { description: p.text } : {}),
      source: 'gcompris',
      licence: p.licence?.license ?? 'unknown',
      attribution: [p.licence?.copyright, p.licence?.source].filter(Boolean).join(', '),
    });
  }

  const { stamps } = loadStamps(DEFAULT_STAMPS_DIR);
  const photographic: Stamp[] = [];
  for (const s of stamps)
    if (s.format === 'png' && (await flatFraction(s.image)) < PHOTO_FLAT_FRACTION_MAX) photographic.push(s);
  for (const s of pickStamps(photographic, Number(values.stamps))) {
    const rel = `images/tuxpaint/${uniqueName(s.id.replace(/\//g, '-'))}.jpg`;
    writeFileSync(join(out, rel), await toJpeg(s.image));
    pairs.push({
      image: rel,
      caption: s.caption,
      source: 'tuxpaint',
      licence: 'GPL-2.0-or-later',
      attribution: 'Tux Paint stamps, Bill Kendrick and contributors',
    });
  }

  const fluent = loadStyleImages('fluent');
  for (const c of pickFluent(loadConcepts('en').values(), fluent, Number(values.fluent))) {
    const rel = `images/fluent-emoji-3d/${uniqueName(
      c.label
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, ''),
    )}.jpg`;
    writeFileSync(join(out, rel), await toJpeg(fluent.get(c.key)!));
    pairs.push({
      image: rel,
      caption: c.label,
      source: 'fluent-emoji-3d',
      licence: 'MIT',
      attribution: 'Microsoft Fluent Emoji (3D), via @lobehub/fluent-emoji-3d',
    });
  }

  writeJsonl(join(out, 'pairs.jsonl'), pairs);
  writeFileSync(join(out, 'LICENSES.md'), demoLicenceText(pairs));
  const summary = {
    images: pairs.length,
    by_source: Object.fromEntries(
      ['gcompris', 'tuxpaint', 'fluent-emoji-3d'].map((s) => [s, pairs.filter((p) => p.source === s).length]),
    ),
  };
  writeFileSync(join(out, 'SUMMARY.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log(JSON.stringify(summary));
}

function demoLicenceText(pairs: DemoPair[]): string {
  return (
    [
      '# Licences and attribution of data/demo',
      '',
      'Demo images for the first run of Pairscope, built by tools/dataset/build-demo-library-source.ts.',
      'GCompris photos (gcompris-qt-data): per-image licence below (Public Domain, CC0, CC-BY, CC-BY-SA, GPL).',
      'Tux Paint stamps (tuxpaint-stamps-default): GPL-2.0-or-later, Bill Kendrick and contributors.',
      'Fluent 3D emoji (@lobehub/fluent-emoji-3d): MIT, Microsoft Fluent Emoji.',
      'Images are resized, re-encoded as JPEG and flattened on white.',
      '',
      '| image | licence | attribution |',
      '|---|---|---|',
      ...pairs.map((p) => `| ${p.image} | ${p.licence} | ${p.attribution.replace(/\|/g, '/')} |`),
    ].join('\n') + '\n'
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
