/**
 * Two more independent emoji art styles for training the default model, on top of train_ext:
 * EmojiOne 2 (@iconify-json/emojione, CC-BY-4.0) and Firefox OS emoji (@iconify-json/fxemoji, Apache-2.0).
 *   npx tsx tools/dataset/build-extra-styles.ts --emoji data/emoji [--size 128]
 *     [--styles emojione,fxemoji,streamline-emojis --out train_plus2.jsonl]
 * Writes images/<style>/<key>.png and train_plus.jsonl = train_ext.jsonl + the new pairs, under the same split
 * rules (datasets.md): held-out concepts never appear, nothing from the Fluent family, test sets unchanged.
 * The defaults (EmojiOne + Firefox OS → train_plus.jsonl) rebuild what the shipped model was trained on; Streamline
 * emoji (@iconify-json/streamline-emojis, CC-BY-4.0) is opt-in, for train_plus2.jsonl.
 * Why: the default model's gap is style transfer (Noto/Twemoji/OpenMoji → Fluent 3D); five styles per concept
 * instead of three is the data-side lever (docs/default-model.md).
 *
 * Iconify sets carry no code points, so icons are joined to emojibase by name: EmojiOne names are CLDR labels
 * as slugs ("red-apple"), Firefox OS names are Unicode character names without separators ("aubergine"),
 * which emoji-datasource's `name` field carries. Icons that join to nothing (non-emoji glyphs, renamed
 * concepts) are skipped and counted.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { normaliseKey } from './keys';
import { imagePath, readJsonl, toRecord, writeJsonl, type EmojiRecord } from './manifest';
import { rasterise } from './render';
import { loadConcepts, packageDir, type Concept } from './sources';
import { isHeldOut } from './split';

export const EXTRA_STYLES = ['emojione', 'fxemoji', 'streamline-emojis'] as const;
export type ExtraStyle = (typeof EXTRA_STYLES)[number];
/** What train_plus.jsonl was built from; the shipped model was trained on it, so this default must not change. */
export const TRAIN_PLUS_STYLES: readonly ExtraStyle[] = ['emojione', 'fxemoji'];

export function parseStyles(list: string): ExtraStyle[] {
  const out = list.split(',').map((s) => s.trim());
  for (const s of out)
    if (!(EXTRA_STYLES as readonly string[]).includes(s))
      throw new Error(`--styles: unknown style "${s}" (known: ${EXTRA_STYLES.join(', ')})`);
  return out as ExtraStyle[];
}

/**
 * Icon name → the names to look up in the index, best first. Streamline names are CLDR slugs with a "-1", "-2"
 * suffix where the set draws a concept more than once ("man-cook-1"), and country flags by country name only
 * ("japan" for "flag: Japan"); so its suffix is cut and a "flag " reading is tried after the plain one.
 */
export function lookupNames(style: ExtraStyle, name: string): string[] {
  if (style !== 'streamline-emojis') return [name];
  const bare = name.replace(/-\d+$/, '');
  if (bare === '') return [name];
  const renamed = STREAMLINE_RENAMES[bare];
  // "flag " first: "japan" is drawn as a flag, but emoji-datasource also names 🗾 (map of Japan) "japan".
  return renamed ? [renamed] : [`flag ${bare}`, bare];
}

/** Streamline names that CLDR has since renamed, checked by eye against the drawings. */
const STREAMLINE_RENAMES: Record<string, string> = {
  turkey: 'flag: Türkiye', // a flag, not the bird
  'grinning-cat-face': 'grinning cat',
  'kissing-cat-face': 'kissing cat',
  'smiling-cat-face-with-heart-eyes': 'smiling cat with heart-eyes',
  'game-dice': 'game die',
  'school-backpack': 'backpack',
};

interface IconifyIcon {
  body: string;
  width?: number;
  height?: number;
  left?: number;
  top?: number;
}
interface IconifySet {
  icons: Record<string, IconifyIcon>;
  width?: number;
  height?: number;
}

/** Letters and digits only, lower case: the spelling both name schemes meet on. */
export function squash(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]/g, '');
}

export function iconSvg(set: IconifySet, icon: IconifyIcon): string {
  const w = icon.width ?? set.width ?? 16;
  const h = icon.height ?? set.height ?? 16;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${icon.left ?? 0} ${icon.top ?? 0} ${w} ${h}" width="${w}" height="${h}">${icon.body}</svg>`;
}

/** squashed name → concept key, from emojibase labels and emoji-datasource Unicode names / short names. */
export function nameIndex(concepts: Map<string, Concept>): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of concepts.values()) if (!out.has(squash(c.label))) out.set(squash(c.label), c.key);
  const ds = JSON.parse(readFileSync(join(packageDir('emoji-datasource-google'), 'emoji.json'), 'utf8')) as {
    unified: string;
    name?: string;
    short_names?: string[];
  }[];
  for (const e of ds) {
    const key = normaliseKey(e.unified);
    if (!concepts.has(key)) continue;
    for (const n of [e.name ?? '', ...(e.short_names ?? [])]) if (n && !out.has(squash(n))) out.set(squash(n), key);
  }
  return out;
}

export async function buildExtraStyles(
  emojiDir: string,
  size: number,
  log: (l: string) => void = () => {},
  styles: readonly ExtraStyle[] = TRAIN_PLUS_STYLES,
  outName = 'train_plus.jsonl',
): Promise<Record<string, unknown>> {
  const concepts = loadConcepts('en');
  const index = nameIndex(concepts);
  const base = readJsonl<EmojiRecord>(readFileSync(join(emojiDir, 'train_ext.jsonl'), 'utf8'), 'train_ext.jsonl');
  const rows: EmojiRecord[] = [...base];
  const counts: Record<string, { icons: number; joined: number; held_out: number; unjoined: number }> = {};
  for (const style of styles) {
    const set = JSON.parse(
      readFileSync(join(packageDir(`@iconify-json/${style}`), 'icons.json'), 'utf8'),
    ) as IconifySet;
    const srcDir = join(emojiDir, 'sources', style);
    mkdirSync(srcDir, { recursive: true });
    mkdirSync(join(emojiDir, 'images', style), { recursive: true });
    const c = { icons: 0, joined: 0, held_out: 0, unjoined: 0 };
    const seen = new Set<string>();
    for (const name of Object.keys(set.icons).sort()) {
      c.icons++;
      const key = lookupNames(style, name)
        .map((n) => index.get(squash(n)))
        .find((k) => k !== undefined);
      const concept = key === undefined ? undefined : concepts.get(key);
      if (!concept || seen.has(concept.key)) {
        c.unjoined++;
        continue;
      }
      if (isHeldOut(concept.baseLabel)) {
        c.held_out++;
        continue;
      }
      seen.add(concept.key);
      const svg = join(srcDir, `${concept.key}.svg`);
      writeFileSync(svg, iconSvg(set, set.icons[name]!));
      const png = join(emojiDir, imagePath(style, concept.key));
      if (!existsSync(png)) writeFileSync(png, await rasterise(svg, size));
      // toRecord only reads concept and style; the extra style names widen the union for this manifest.
      rows.push({ ...toRecord({ concept, style: 'noto', source: svg }), image: imagePath(style, concept.key), style });
      c.joined++;
    }
    counts[style] = c;
    log(`${style}: ${JSON.stringify(c)}`);
  }
  writeJsonl(join(emojiDir, outName), rows);
  return { train_ext: base.length, out: outName, rows: rows.length, size, styles: counts };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      emoji: { type: 'string', default: 'data/emoji' },
      size: { type: 'string', default: '128' },
      styles: { type: 'string', default: TRAIN_PLUS_STYLES.join(',') },
      out: { type: 'string', default: 'train_plus.jsonl' },
    },
  });
  Promise.resolve()
    .then(() => parseStyles(values.styles!))
    .then((styles) =>
      buildExtraStyles(resolve(values.emoji!), Number(values.size), (l) => console.log(l), styles, values.out!),
    )
    .then((r) => console.log(JSON.stringify(r)))
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
