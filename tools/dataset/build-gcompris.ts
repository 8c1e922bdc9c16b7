/**
 * Extract GCompris's real photos with captions and licences (datasets.md, "Real photographs").
 *   npx tsx tools/dataset/build-gcompris.ts --out data/gcompris [--rcc-dir /usr/share/gcompris-qt/rcc]
 * Writes images/<activity>/<path under resource/> (original WebP bytes), photos.jsonl,
 * emoji_zeroshot.jsonl (photos whose name is an emoji concept), licences/<activity>/.../README, LICENSES.md, SUMMARY.json.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { EmojiMatcher } from './emoji-match';
import { photosOfActivity, type Photo } from './gcompris';
import { writeJsonl } from './manifest';
import { parseRcc } from './rcc';
import { loadConcepts } from './sources';
import { isHeldOut } from './split';

export const GCOMPRIS_ACTIVITIES = [
  'explore_world_animals',
  'explore_farm_animals',
  'explore_monuments',
  'erase',
  'categorization',
];
export const DEFAULT_RCC_DIR = '/usr/share/gcompris-qt/rcc';

export interface PhotoRecord {
  image: string;
  caption: string;
  name: string;
  title?: string;
  text?: string;
  activity: string;
  category?: string;
  licence: string;
  copyright: string;
  source_url: string;
  licence_note?: string;
  archive_path: string;
  width: number;
  height: number;
}

/** Output path of a photo relative to the output folder. */
export function photoImagePath(p: Photo): string {
  const rel = p.path.includes('/resource/') ? p.path.slice(p.path.indexOf('/resource/') + '/resource/'.length) : p.path;
  return `images/${p.activity}/${rel}`;
}

export interface GcomprisLoad {
  photos: Photo[];
  readmes: { activity: string; path: string; text: string }[];
  /** One line per archive that could not be read, naming the file; the other archives still load. */
  problems: string[];
}

export function loadGcomprisPhotos(rccDir: string, activities = GCOMPRIS_ACTIVITIES): GcomprisLoad {
  const out: GcomprisLoad = { photos: [], readmes: [], problems: [] };
  for (const activity of activities) {
    const file = join(rccDir, `${activity}.rcc`);
    try {
      const files = parseRcc(readFileSync(file), file);
      const photos = photosOfActivity(activity, files);
      const readmes = files
        .filter((f) => /\/README$/.test(f.path))
        .map((f) => ({ activity, path: f.path, text: f.read().toString('utf8') }));
      out.photos.push(...photos);
      out.readmes.push(...readmes);
    } catch (e) {
      const msg = (e as Error).message;
      out.problems.push(msg.startsWith(file) ? msg : `${file}: ${msg}`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'data/gcompris' },
      'rcc-dir': { type: 'string', default: DEFAULT_RCC_DIR },
    },
  });
  const out = resolve(values.out!);
  rmSync(join(out, 'SUMMARY.json'), { force: true });
  const { photos, readmes, problems } = loadGcomprisPhotos(values['rcc-dir']!);
  for (const p of problems) console.warn(`skipped ${p}`);
  const unlicensed = photos.filter((p) => !p.licence);
  if (unlicensed.length) console.warn(`no licence entry for: ${unlicensed.map((p) => p.path).join(', ')}`);

  const records: PhotoRecord[] = [];
  for (const p of photos) {
    const rel = photoImagePath(p);
    mkdirSync(dirname(join(out, rel)), { recursive: true });
    const bytes = p.file.read();
    writeFileSync(join(out, rel), bytes);
    const meta = await sharp(bytes).metadata();
    records.push({
      image: rel,
      caption: p.caption,
      name: p.name,
      ...(p.title !== undefined ? { title: p.title } : {}),
      ...(p.text !== undefined ? { text: p.text } : {}),
      activity: p.activity,
      ...(p.category !== undefined ? { category: p.category } : {}),
      licence: p.licence?.license ?? 'unknown',
      copyright: p.licence?.copyright ?? '',
      source_url: p.licence?.source ?? '',
      ...(p.licence?.note ? { licence_note: p.licence.note } : {}),
      archive_path: p.path,
      width: meta.width ?? 0,
      height: meta.height ?? 0,
    });
  }
  writeJsonl(join(out, 'photos.jsonl'), records);

  const concepts = [...loadConcepts('en').values()].filter((c) => c.group !== 'component' && c.group !== 'flags');
  const matcher = new EmojiMatcher(concepts);
  const zeroShot = records.flatMap((r) => {
    const m = matcher.match(r.name);
    if (!m) return [];
    const c = m.concept;
    return [
      {
        ...r,
        id: c.key,
        emoji_label: c.label,
        emoji_group: c.group,
        emoji_subgroup: c.subgroup,
        match_by: m.by,
        held_out: isHeldOut(c.baseLabel),
      },
    ];
  });
  writeJsonl(join(out, 'emoji_zeroshot.jsonl'), zeroShot);

  for (const r of readmes) {
    const rel = r.path.includes('/resource/')
      ? r.path.slice(r.path.indexOf('/resource/') + '/resource/'.length)
      : 'README';
    const dest = join(out, 'licences', r.activity, rel);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, r.text);
  }
  const byLicence: Record<string, number> = {};
  for (const r of records) byLicence[r.licence] = (byLicence[r.licence] ?? 0) + 1;
  writeFileSync(join(out, 'LICENSES.md'), gcomprisLicenceText(records, byLicence));
  const summary = {
    photos: records.length,
    problems,
    by_activity: Object.fromEntries(
      GCOMPRIS_ACTIVITIES.map((a) => [a, records.filter((r) => r.activity === a).length]),
    ),
    by_licence: byLicence,
    emoji_zeroshot: {
      photos: zeroShot.length,
      concepts: new Set(zeroShot.map((z) => z.id)).size,
      held_out_concepts: new Set(zeroShot.filter((z) => z.held_out).map((z) => z.id)).size,
      by: Object.fromEntries(
        ['label', 'tag', 'reviewed'].map((b) => [b, zeroShot.filter((z) => z.match_by === b).length]),
      ),
    },
  };
  writeFileSync(join(out, 'SUMMARY.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log(JSON.stringify(summary));
}

function gcomprisLicenceText(records: PhotoRecord[], byLicence: Record<string, number>): string {
  const lines = [
    '# Licences and attribution of data/gcompris',
    '',
    'Photos extracted unchanged from the Debian package gcompris-qt-data (GCompris, KDE) by tools/dataset/build-gcompris.ts.',
    "Each photo's licence comes from the README in its GCompris image folder (copies under licences/).",
    'CC-BY and CC-BY-SA photos require attribution to the author below; CC-BY-SA ones share alike.',
    '',
    `Counts: ${Object.entries(byLicence)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    '| image | licence | author | source |',
    '|---|---|---|---|',
    ...records.map(
      (r) =>
        `| ${r.image} | ${r.licence}${r.licence_note ? ` (${r.licence_note})` : ''} | ${r.copyright.replace(/\|/g, '/')} | ${r.source_url} |`,
    ),
  ];
  return lines.join('\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
