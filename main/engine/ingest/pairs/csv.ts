/**
 * CSV pairs (RFC 4180: quoted fields with doubled quotes, line breaks inside quotes, CRLF or LF). The header
 * row names the image and caption columns; common spellings are recognised. Tab- and semicolon-separated
 * files are detected from the header line.
 *
 * @example parseCsvPairs(text, 'pairs.csv') // { rows: [{ image: 'a.jpg', caption: 'a dog', location: 'line 2' }], problems: [] }
 */
import { stringProblem, type ParsedPairs, type PairProblem, type PairRow } from './pair-row';

const IMAGE_COLUMNS = [
  'image',
  'image_path',
  'imagepath',
  'img',
  'file',
  'filename',
  'file_name',
  'path',
  'filepath',
  'product',
  'photo',
];
const CAPTION_COLUMNS = ['caption', 'text', 'title', 'label', 'description', 'sentence', 'alt', 'alt_text'];
const ID_COLUMNS = ['id', 'pair_id', 'uid'];

interface CsvRecord {
  fields: string[];
  line: number;
}

/** Splits into records; stops at an unterminated quote, reporting the line where the field began. */
export function splitCsv(
  text: string,
  delimiter: string,
): { records: CsvRecord[]; error?: { line: number; reason: string } } {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quoted = false;
  let quoteLine = 0;
  let atFieldStart = true;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      // A line break inside a caption is kept, spelled \n whatever the file's line ending.
      if (c === '\r' && text[i + 1] === '\n') {
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && atFieldStart) {
      quoted = true;
      quoteLine = line;
      atFieldStart = false;
      i++;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
      atFieldStart = true;
      i++;
    } else if (c === '\r' || c === '\n') {
      fields.push(field);
      if (!(fields.length === 1 && fields[0] === '')) records.push({ fields, line: recordLine });
      fields = [];
      field = '';
      atFieldStart = true;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += c;
      atFieldStart = false;
      i++;
    }
  }
  if (quoted)
    return {
      records,
      error: { line: quoteLine, reason: 'unterminated quoted field (a " is opened and never closed)' },
    };
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    records.push({ fields, line: recordLine });
  }
  return { records };
}

function pickColumn(header: string[], names: string[]): number {
  const norm = header.map((h) =>
    h
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  );
  for (const n of names) {
    const i = norm.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}

export function parseCsvPairs(input: string, file: string): ParsedPairs {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = [',', '\t', ';'].reduce(
    (best, d) => (firstLine.split(d).length > firstLine.split(best).length ? d : best),
    ',',
  );
  const { records, error } = splitCsv(text, delimiter);
  const problems: PairProblem[] = [];
  const rows: PairRow[] = [];
  const header = records[0];
  if (!header) return { rows, problems: [{ file, location: 'line 1', reason: 'the file has no rows' }] };
  const imageCol = pickColumn(header.fields, IMAGE_COLUMNS);
  const captionCol = pickColumn(header.fields, CAPTION_COLUMNS);
  const idCol = pickColumn(header.fields, ID_COLUMNS);
  if (imageCol < 0 || captionCol < 0) {
    const missing = [
      imageCol < 0 ? `an image column (${IMAGE_COLUMNS.slice(0, 4).join('/')}…)` : '',
      captionCol < 0 ? `a caption column (${CAPTION_COLUMNS.slice(0, 4).join('/')}…)` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    return {
      rows,
      problems: [
        {
          file,
          location: 'line 1',
          reason: `the header row has no ${missing}; found columns: ${header.fields.join(', ')}`,
        },
      ],
    };
  }
  for (const rec of records.slice(1)) {
    const location = `line ${rec.line}`;
    if (rec.fields.length !== header.fields.length) {
      problems.push({
        file,
        location,
        reason: `expected ${header.fields.length} fields as in the header, found ${rec.fields.length}`,
      });
      continue;
    }
    const image = rec.fields[imageCol]!;
    const caption = rec.fields[captionCol]!;
    const bad =
      stringProblem(header.fields[imageCol]!.trim(), image === '' ? undefined : image) ??
      stringProblem(header.fields[captionCol]!.trim(), caption === '' ? undefined : caption);
    if (bad) {
      problems.push({ file, location, reason: bad });
      continue;
    }
    const extra: Record<string, unknown> = {};
    header.fields.forEach((h, i) => {
      if (i !== imageCol && i !== captionCol && i !== idCol) extra[h.trim()] = rec.fields[i];
    });
    const row: PairRow = { image: image.trim(), caption: caption.trim(), location };
    if (idCol >= 0 && rec.fields[idCol]!.trim() !== '') row.externalId = rec.fields[idCol]!.trim();
    if (Object.keys(extra).length > 0) row.extra = extra;
    rows.push(row);
  }
  if (error)
    problems.push({
      file,
      location: `line ${error.line}`,
      reason: `${error.reason}; the rest of the file is not read`,
    });
  return { rows, problems };
}
