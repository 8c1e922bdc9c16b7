/**
 * The JSONL record every emoji manifest line holds, and deterministic JSONL writing.
 */
import { writeFileSync, renameSync } from 'node:fs';
import type { Pair } from './split';

export interface EmojiRecord {
  /** Path of the PNG relative to the manifest file. */
  image: string;
  /** Primary caption: the emojibase English label. */
  caption: string;
  /** Second caption: the emojibase tags joined (datasets.md, "Captions"). */
  caption_tags: string;
  /** Normalised concept key (keys.ts). */
  id: string;
  /** Key of the base concept (differs from id only for skin-tone variants). */
  base_id: string;
  style: string;
  group: string;
  subgroup: string;
  tags: string[];
  label: string;
}

export function imagePath(style: string, key: string): string {
  return `images/${style}/${key}.png`;
}

export function toRecord(p: Pair): EmojiRecord {
  const c = p.concept;
  return {
    image: imagePath(p.style, c.key),
    caption: c.label,
    caption_tags: c.tags.join(', '),
    id: c.key,
    base_id: c.baseKey,
    style: p.style,
    group: c.group,
    subgroup: c.subgroup,
    tags: c.tags,
    label: c.label,
  };
}

export function toJsonl(rows: readonly object[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
}

/** Write via a temp file and rename, so a reader never sees half a manifest. */
export function writeJsonl(path: string, rows: readonly object[]): void {
  writeFileSync(`${path}.tmp`, toJsonl(rows));
  renameSync(`${path}.tmp`, path);
}

export function readJsonl<T>(text: string, file: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as T;
      } catch (e) {
        throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
      }
    });
}
