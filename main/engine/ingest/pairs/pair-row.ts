/**
 * What every pairs-file importer produces: rows that name an image and a caption, and problems that name
 * the file, the place (line, or JSON pointer plus line) and the reason (DESIGN §8). Importers only parse;
 * resolving images against the declared roots happens in image-roots.ts.
 */
export interface PairRow {
  /** The image reference exactly as written in the file. */
  image: string;
  caption: string;
  /** The row's own id where the format has one (JSONL `id`, COCO annotation id). */
  externalId?: string;
  /** Other fields of the row, kept for the pair's metadata (style, group, noisy flag, …). */
  extra?: Record<string, unknown>;
  /** Where the row is: `line 12` or `/annotations/3 (line 40)`. */
  location: string;
}

export interface PairProblem {
  file: string;
  location: string;
  reason: string;
}

export interface ParsedPairs {
  rows: PairRow[];
  problems: PairProblem[];
}

export type PairsFormat = 'csv' | 'jsonl' | 'albef' | 'coco' | 'aliproducts';

/** Reason text for a value that should have been a non-empty string. */
export function stringProblem(field: string, value: unknown): string | null {
  if (value === undefined || value === null) return `missing "${field}"`;
  if (typeof value !== 'string')
    return `"${field}" must be a string, got ${Array.isArray(value) ? 'an array' : typeof value}`;
  if (value.trim() === '') return `"${field}" is empty`;
  return null;
}
