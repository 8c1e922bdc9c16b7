/**
 * Real photos and their captions from GCompris activity archives (datasets.md, "Real photographs").
 * Pure functions over parsed .rcc files; build-gcompris.ts does the I/O.
 */
import type { RccFile } from './rcc';

export interface LicenceEntry {
  copyright: string;
  license: string;
  source: string;
  /** Set when the README misspells the file name and the entry was matched by a one-letter difference. */
  note?: string;
}

/**
 * GCompris image folders carry a README of Debian-copyright-like blocks
 * ("Copyright:", "License:", "Source:", "Comments:", "Files:" with the names inline or on the following lines).
 * Returns file path (relative to the README's folder) → licence.
 */
export function parseLicenceReadme(text: string): Map<string, LicenceEntry> {
  const out = new Map<string, LicenceEntry>();
  for (const block of text.replace(/\r\n/g, '\n').split(/\n\s*\n/)) {
    const fields: Record<string, string> = {};
    const files: string[] = [];
    let inFiles = false;
    for (const line of block.split('\n')) {
      const m = /^([A-Za-z]+)\s*:\s*(.*)$/.exec(line.trim());
      if (m && !(inFiles && !/^(copyright|license|source|comments|files)$/i.test(m[1]!))) {
        const key = m[1]!.toLowerCase();
        inFiles = key === 'files';
        if (inFiles) files.push(...m[2]!.split(/\s+/).filter(Boolean));
        else fields[key] = m[2]!.trim();
      } else if (inFiles && line.trim() !== '') {
        files.push(...line.trim().split(/\s+/));
      }
    }
    for (const f of files) {
      out.set(f, {
        copyright: fields.copyright ?? '',
        license: normaliseLicence(fields.license ?? ''),
        source: fields.source ?? '',
      });
    }
  }
  return out;
}

/** "CC-BY-SA 4.0" and "CC-BY-SA-4.0" are one licence; "Public domain" and "Public Domain" too. */
export function normaliseLicence(raw: string): string {
  const s = raw.trim();
  if (/^public\s*domain$/i.test(s)) return 'Public Domain';
  return s.replace(/^(CC[-\w]*?)[\s-]+(\d\.\d)$/i, '$1-$2');
}

export interface BoardEntry {
  title: string;
  text: string;
  /** Archive path of the photo, without "qrc:/". */
  image2: string;
}

/** Unescape a QML/JS double-quoted string body. */
function unquote(s: string): string {
  return s.replace(/\\(["'\\])/g, '$1').replace(/\\n/g, '\n');
}

/**
 * Entries of a `board*.qml` `tab` array: the innermost `{...}` objects holding `image2`.
 * A tiny scanner (strings, braces) is enough: the boards are flat lists of string/number fields.
 */
export function parseBoardQml(qml: string): BoardEntry[] {
  const objects: string[] = [];
  const starts: number[] = [];
  let innermost = true;
  for (let i = 0; i < qml.length; i++) {
    const ch = qml[i];
    if (ch === '"') {
      for (i++; i < qml.length && qml[i] !== '"'; i++) if (qml[i] === '\\') i++;
    } else if (ch === '/' && qml[i + 1] === '*') {
      const end = qml.indexOf('*/', i + 2);
      i = end < 0 ? qml.length : end + 1;
    } else if (ch === '/' && qml[i + 1] === '/') {
      const end = qml.indexOf('\n', i);
      i = end < 0 ? qml.length : end;
    } else if (ch === '{') {
      starts.push(i);
      innermost = true;
    } else if (ch === '}') {
      const s = starts.pop();
      if (s !== undefined && innermost) objects.push(qml.slice(s + 1, i));
      innermost = false;
    }
  }
  const str = (body: string, key: string): string | undefined => {
    const m = new RegExp(`"${key}"\\s*:\\s*(?:qsTr\\(\\s*)?"((?:[^"\\\\]|\\\\.)*)"`).exec(body);
    return m ? unquote(m[1]!) : undefined;
  };
  const out: BoardEntry[] = [];
  for (const body of objects) {
    const image2 = str(body, 'image2');
    if (!image2) continue;
    out.push({
      title: str(body, 'title') ?? '',
      text: str(body, 'text') ?? '',
      image2: image2.replace(/^qrc:\/+/, ''),
    });
  }
  return out;
}

/** "measuringTape3" → "measuring tape", "IndiaGate" → "India gate", "polar_bear" → "polar bear". */
export function nameWords(stem: string): string {
  const words = stem
    .replace(/\d+$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim()
    .split(/\s+/);
  return words.map((w, i) => (i > 0 && /^[A-Z][a-z]/.test(w) ? w.toLowerCase() : w)).join(' ');
}

export interface Photo {
  /** Archive path, e.g. gcompris/src/activities/erase/resource/alpaca.webp */
  path: string;
  activity: string;
  caption: string;
  /** Photo name from its file ("polar bear"), used for emoji matching. */
  name: string;
  title?: string;
  text?: string;
  category?: string;
  licence: LicenceEntry | null;
  file: RccFile;
}

const PHOTO_EXT = /\.(webp|jpe?g|png)$/i;
/** categorization folders that hold photos (the others are SVG drawings and one cover image each). */
export const CATEGORIZATION_PHOTO_FOLDERS = ['fishes', 'monuments', 'others', 'renewable', 'tools'];

function stemOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
}

/** Levenshtein distance, capped: only "is it at most 1" matters here. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const tail = (x: string, y: string): boolean => x === y;
  return tail(a.slice(i + 1), b.slice(i + 1)) || tail(a.slice(i), b.slice(i + 1)) || tail(a.slice(i + 1), b.slice(i));
}

function licenceFor(files: RccFile[], photoPath: string): LicenceEntry | null {
  const present = new Set(files.map((f) => f.path));
  // Walk up from the photo's folder to the activity's resource folder, looking for a README that names it.
  const parts = photoPath.split('/');
  for (let up = parts.length - 1; up > 0; up--) {
    const dir = parts.slice(0, up).join('/');
    const readme = files.find((f) => f.path === `${dir}/README`);
    if (!readme) continue;
    const table = parseLicenceReadme(readme.read().toString('utf8'));
    const rel = parts.slice(up).join('/');
    const hit = table.get(rel) ?? table.get(parts[parts.length - 1]!);
    if (hit) return hit;
    // Upstream READMEs misspell two names (screDriver.webp, audaPalatina.webp): accept a one-letter
    // difference when exactly one README entry names a file that is not in the archive.
    const near = [...table.entries()].filter(([name]) => !present.has(`${dir}/${name}`) && withinOneEdit(name, rel));
    if (near.length === 1) {
      const [name, entry] = near[0]!;
      return { ...entry, note: `README names it "${name}"` };
    }
  }
  return null;
}

/** Photos of one activity archive with captions, following the rules of datasets.md for each activity. */
export function photosOfActivity(activity: string, files: RccFile[]): Photo[] {
  const photos: Photo[] = [];
  if (activity.startsWith('explore_')) {
    const byPath = new Map(files.map((f) => [f.path, f]));
    const seen = new Set<string>();
    for (const board of files.filter((f) => /\/resource\/board\/board\d*\.qml$/.test(f.path))) {
      for (const e of parseBoardQml(board.read().toString('utf8'))) {
        const file = byPath.get(e.image2);
        if (!file || seen.has(e.image2) || !PHOTO_EXT.test(e.image2)) continue;
        seen.add(e.image2);
        photos.push({
          path: e.image2,
          activity,
          caption: e.title,
          name: e.title,
          title: e.title,
          text: e.text,
          licence: licenceFor(files, e.image2),
          file,
        });
      }
    }
  } else if (activity === 'erase') {
    for (const f of files.filter((x) => /\/erase\/resource\/[^/]+$/.test(x.path) && PHOTO_EXT.test(x.path))) {
      const name = nameWords(stemOf(f.path));
      photos.push({
        path: f.path,
        activity,
        caption: name,
        name,
        licence: licenceFor(files, f.path),
        file: f,
      });
    }
  } else if (activity === 'categorization') {
    for (const f of files) {
      const m = /\/resource\/images\/([^/]+)\/([^/]+)$/.exec(f.path);
      if (!m || !CATEGORIZATION_PHOTO_FOLDERS.includes(m[1]!) || !PHOTO_EXT.test(f.path)) continue;
      const name = nameWords(stemOf(f.path));
      photos.push({
        path: f.path,
        activity,
        caption: name,
        name,
        category: m[1]!,
        licence: licenceFor(files, f.path),
        file: f,
      });
    }
  }
  return photos.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
