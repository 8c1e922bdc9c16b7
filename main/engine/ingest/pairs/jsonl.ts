/**
 * JSON Lines pairs: one object per line with `image` (or `file`/`product`) and `caption` (or `text`/`title`),
 * optional `id`; every other field is kept as metadata. The emoji manifests of tools/dataset
 * ({image, caption, caption_tags, id, style, …}, image relative to the manifest) are this format.
 * AliProducts-style lines ({caption, product}) are accepted too.
 *
 * @example parseJsonlPairs('{"image":"a.png","caption":"a cat","id":"1"}\n', 'm.jsonl')
 */
import { stringProblem, type ParsedPairs, type PairProblem, type PairRow } from './pair-row';

const IMAGE_KEYS = ['image', 'file', 'file_name', 'filename', 'image_path', 'product'];
const CAPTION_KEYS = ['caption', 'text', 'title'];

/** Shared by the JSON formats: one object → one or more rows (a caption list gives one row per caption). */
export function rowsFromObject(value: unknown, location: string, file: string, out: ParsedPairs): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    out.problems.push({
      file,
      location,
      reason: `expected an object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`,
    });
    return;
  }
  const obj = value as Record<string, unknown>;
  const imageKey = IMAGE_KEYS.find((k) => k in obj) ?? 'image';
  const captionKey = CAPTION_KEYS.find((k) => k in obj) ?? 'caption';
  const imageBad = stringProblem(imageKey, obj[imageKey]);
  if (imageBad) {
    out.problems.push({ file, location, reason: imageBad });
    return;
  }
  const captions = Array.isArray(obj[captionKey]) ? (obj[captionKey] as unknown[]) : [obj[captionKey]];
  if (captions.length === 0) out.problems.push({ file, location, reason: `"${captionKey}" is an empty list` });
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (k !== imageKey && k !== captionKey && k !== 'id') extra[k] = v;
  const id = typeof obj.id === 'string' || typeof obj.id === 'number' ? String(obj.id) : undefined;
  captions.forEach((caption, i) => {
    const where = captions.length > 1 || Array.isArray(obj[captionKey]) ? `${location} ${captionKey}[${i}]` : location;
    const bad = stringProblem(captionKey, caption);
    if (bad) {
      out.problems.push({ file, location: where, reason: bad });
      return;
    }
    const row: PairRow = {
      image: (obj[imageKey] as string).trim(),
      caption: (caption as string).trim(),
      location: where,
    };
    if (id !== undefined) row.externalId = captions.length > 1 ? `${id}#${i}` : id;
    if (Object.keys(extra).length > 0) row.extra = extra;
    out.rows.push(row);
  });
}

export function parseJsonlPairs(input: string, file: string): ParsedPairs {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const out: ParsedPairs = { rows: [], problems: [] as PairProblem[] };
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (lineText.trim() === '') return;
    const location = `line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (e) {
      out.problems.push({ file, location, reason: `not valid JSON (${(e as Error).message})` });
      return;
    }
    rowsFromObject(value, location, file, out);
  });
  return out;
}
