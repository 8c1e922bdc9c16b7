/**
 * Where each installed package keeps its images and captions (datasets.md, "The main set").
 * Each loader returns key → absolute file path, keyed with normaliseKey so they all meet.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { keyFromFileName, normaliseKey } from './keys';

export type TrainStyle = 'noto' | 'twemoji' | 'openmoji';
export type Style = TrainStyle | 'fluent';
export const TRAIN_STYLES: readonly TrainStyle[] = ['noto', 'twemoji', 'openmoji'];
export const ALL_STYLES: readonly Style[] = ['noto', 'twemoji', 'openmoji', 'fluent'];

/** One emojibase entry flattened: base concepts and their skin-tone variants. */
export interface Concept {
  key: string;
  hexcode: string;
  label: string;
  /** Label of the base concept (equal to label for a base entry); the split hashes this. */
  baseLabel: string;
  baseKey: string;
  isSkin: boolean;
  group: string;
  subgroup: string;
  tags: string[];
  emoji: string;
}

const require_ = createRequire(import.meta.url);

export function packageDir(name: string): string {
  return dirname(require_.resolve(`${name}/package.json`));
}

interface EmojibaseEntry {
  label: string;
  hexcode: string;
  emoji: string;
  group?: number;
  subgroup?: number;
  tags?: string[];
  skins?: EmojibaseEntry[];
}

interface GroupsMeta {
  groups: Record<string, string>;
  subgroups: Record<string, string>;
}

/** All emojibase concepts of one locale (default English), base entries and skins, keyed by normalised key. */
export function loadConcepts(locale = 'en'): Map<string, Concept> {
  const dir = packageDir('emojibase-data');
  const data = JSON.parse(readFileSync(join(dir, locale, 'data.json'), 'utf8')) as EmojibaseEntry[];
  const meta = JSON.parse(readFileSync(join(dir, 'meta', 'groups.json'), 'utf8')) as GroupsMeta;
  const name = (table: Record<string, string>, n: number | undefined): string =>
    n === undefined ? '' : (table[String(n)] ?? '');
  const out = new Map<string, Concept>();
  for (const e of data) {
    const baseKey = normaliseKey(e.hexcode);
    const base: Concept = {
      key: baseKey,
      hexcode: e.hexcode,
      label: e.label,
      baseLabel: e.label,
      baseKey,
      isSkin: false,
      group: name(meta.groups, e.group),
      subgroup: name(meta.subgroups, e.subgroup),
      tags: e.tags ?? [],
      emoji: e.emoji,
    };
    out.set(baseKey, base);
    for (const s of e.skins ?? []) {
      const key = normaliseKey(s.hexcode);
      out.set(key, {
        ...base,
        key,
        hexcode: s.hexcode,
        label: s.label,
        isSkin: true,
        group: name(meta.groups, s.group ?? e.group),
        subgroup: name(meta.subgroups, s.subgroup ?? e.subgroup),
        emoji: s.emoji,
      });
    }
  }
  return out;
}

function filesByKey(dir: string, ext: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith(ext)) continue;
    const key = keyFromFileName(f);
    // First spelling wins (sorted), so a duplicate spelling of one key cannot make the result order-dependent.
    if (key !== null && !out.has(key)) out.set(key, join(dir, f));
  }
  return out;
}

/** key → image file for one style. */
export function loadStyleImages(style: Style): Map<string, string> {
  switch (style) {
    case 'noto':
      return filesByKey(join(packageDir('emoji-datasource-google'), 'img', 'google', '64'), '.png');
    case 'twemoji':
      return filesByKey(packageDir('@twemoji/svg'), '.svg');
    case 'openmoji':
      return filesByKey(join(packageDir('openmoji'), 'color', 'svg'), '.svg');
    case 'fluent':
      return filesByKey(join(packageDir('@lobehub/fluent-emoji-3d'), 'assets'), '.webp');
  }
}
