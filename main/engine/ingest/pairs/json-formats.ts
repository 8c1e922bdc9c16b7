/**
 * Whole-file JSON pair formats:
 * - ALBEF (`[{image, caption}]`, caption a string or a list, as in ALBEF's data/*.json),
 * - COCO captions (`{images: [{id, file_name}], annotations: [{image_id, caption, id}]}`),
 * - AliProducts-style (`[{caption, product}]`, product = the image file).
 * Problems carry a JSON pointer and the line the element starts on.
 *
 * @example parseJsonPairs(text, 'train.json') // format detected from the shape
 */
import { arrayElementLines, locate } from './json-lines';
import { rowsFromObject } from './jsonl';
import { stringProblem, type ParsedPairs, type PairsFormat } from './pair-row';

export function parseJsonPairs(input: string, file: string): ParsedPairs & { format?: PairsFormat } {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { rows: [], problems: [{ file, location: 'line 1', reason: `not valid JSON (${(e as Error).message})` }] };
  }
  const lines = arrayElementLines(text);
  const out: ParsedPairs = { rows: [], problems: [] };
  if (Array.isArray(doc)) {
    const ali = doc.some((d) => typeof d === 'object' && d !== null && 'product' in d);
    doc.forEach((item, i) => rowsFromObject(item, locate(lines, `/${i}`), file, out));
    return { ...out, format: ali ? 'aliproducts' : 'albef' };
  }
  if (typeof doc === 'object' && doc !== null && Array.isArray((doc as { annotations?: unknown }).annotations)) {
    return { ...parseCoco(doc as Record<string, unknown>, lines, file), format: 'coco' };
  }
  return {
    rows: [],
    problems: [
      {
        file,
        location: 'line 1',
        reason:
          'unrecognised JSON: expected a list of {image, caption} (ALBEF), {caption, product} (AliProducts) or a COCO captions object with "images" and "annotations"',
      },
    ],
  };
}

function parseCoco(doc: Record<string, unknown>, lines: Map<string, number>, file: string): ParsedPairs {
  const out: ParsedPairs = { rows: [], problems: [] };
  const files = new Map<string, string>();
  const images = Array.isArray(doc.images) ? doc.images : [];
  if (!Array.isArray(doc.images)) out.problems.push({ file, location: '/images', reason: 'missing "images" list' });
  images.forEach((img: unknown, i) => {
    const where = locate(lines, `/images/${i}`);
    const o = img as Record<string, unknown> | null;
    const bad =
      typeof o !== 'object' || o === null
        ? 'expected an object'
        : typeof o.id !== 'number' && typeof o.id !== 'string'
          ? 'missing "id"'
          : stringProblem('file_name', o.file_name);
    if (bad) out.problems.push({ file, location: where, reason: bad });
    else files.set(String(o!.id), (o!.file_name as string).trim());
  });
  (doc.annotations as unknown[]).forEach((ann, i) => {
    const where = locate(lines, `/annotations/${i}`);
    const o = ann as Record<string, unknown> | null;
    if (typeof o !== 'object' || o === null)
      return void out.problems.push({ file, location: where, reason: 'expected an object' });
    const image = files.get(String(o.image_id));
    if (image === undefined)
      return void out.problems.push({
        file,
        location: where,
        reason: `"image_id" ${JSON.stringify(o.image_id)} is not in "images"`,
      });
    const bad = stringProblem('caption', o.caption);
    if (bad) return void out.problems.push({ file, location: where, reason: bad });
    out.rows.push({
      image,
      caption: (o.caption as string).trim(),
      location: where,
      ...(o.id !== undefined ? { externalId: String(o.id) } : {}),
    });
  });
  return out;
}
