/**
 * Reads a pairs file and dispatches to the right parser: `.csv`/`.tsv` → CSV, `.jsonl`/`.ndjson` → JSON Lines,
 * `.json` → ALBEF / COCO / AliProducts by shape. A `.json` file that turns out to hold one object per line
 * is read as JSON Lines.
 *
 * @example const { rows, problems, format } = await readPairsFile('/data/emoji/train.jsonl')
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseCsvPairs } from './csv';
import { parseJsonPairs } from './json-formats';
import { parseJsonlPairs } from './jsonl';
import type { PairsFormat, ParsedPairs } from './pair-row';

export const PAIRS_EXTENSIONS = ['.csv', '.tsv', '.jsonl', '.ndjson', '.json'];

export function isPairsFile(path: string): boolean {
  return PAIRS_EXTENSIONS.includes(extname(path).toLowerCase());
}

export async function readPairsFile(path: string): Promise<ParsedPairs & { format: PairsFormat }> {
  const bytes = await readFile(path);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return { ...parseCsvPairs(text, path), format: 'csv' };
  if (ext === '.jsonl' || ext === '.ndjson') return { ...parseJsonlPairs(text, path), format: 'jsonl' };
  const json = parseJsonPairs(text, path);
  if (json.format) return { rows: json.rows, problems: json.problems, format: json.format };
  // A .json file of one object per line is JSON Lines under another name.
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') && trimmed.includes('\n{')) return { ...parseJsonlPairs(text, path), format: 'jsonl' };
  return { rows: json.rows, problems: json.problems, format: 'albef' };
}
