/**
 * Tux Paint stamps (datasets.md, "Real photographs"): `<stamp>.txt` holds the English caption on its
 * first line that is not a translation (`xx.utf8=…`, `xx_YY.utf8=…`), then one translation a line.
 * The English line itself may contain '=' ("A calculator.  6x7=42"), so translations are recognised by their prefix.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const DEFAULT_STAMPS_DIR = '/usr/share/tuxpaint/stamps';
const TRANSLATION = /^[a-z]{2,3}(_[A-Za-z]{2,4})?(@\w+)?\.utf8=/;

export interface StampText {
  english: string;
  /** locale → caption */
  translations: Record<string, string>;
}

export function parseStampText(text: string): StampText | null {
  let english: string | null = null;
  const translations: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const m = TRANSLATION.exec(line);
    if (m) translations[line.slice(0, line.indexOf('.utf8='))] = line.slice(m[0].length).trim();
    else if (english === null) english = line;
  }
  return english === null ? null : { english, translations };
}

export interface Stamp {
  /** Path of the .txt relative to the stamps folder, without extension: "household/electronics/calculator". */
  id: string;
  /** Folder path as categories: ["household", "electronics"]. */
  category: string[];
  caption: string;
  translations: Record<string, string>;
  /** Absolute path of the image: the PNG when there is one (the photographic stamps are PNGs), else the SVG. */
  image: string;
  format: 'png' | 'svg';
}

/** Every stamp with a caption and an image, sorted by id. Problems are reported, not thrown, so one bad stamp does not stop the rest. */
export function loadStamps(dir = DEFAULT_STAMPS_DIR): {
  stamps: Stamp[];
  problems: string[];
} {
  const stamps: Stamp[] = [];
  const problems: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.txt')) {
        const base = p.slice(0, -4);
        const parsed = parseStampText(readFileSync(p, 'utf8'));
        const png = existsSync(`${base}.png`);
        const svg = existsSync(`${base}.svg`);
        if (!parsed) problems.push(`${p}: no English line`);
        else if (!png && !svg) problems.push(`${p}: no ${name.slice(0, -4)}.png or .svg beside it`);
        else {
          const id = relative(dir, base);
          stamps.push({
            id,
            category: id.split('/').slice(0, -1),
            caption: parsed.english,
            translations: parsed.translations,
            image: png ? `${base}.png` : `${base}.svg`,
            format: png ? 'png' : 'svg',
          });
        }
      }
    }
  };
  walk(dir);
  return { stamps, problems };
}
