/**
 * Image format recognition from content, not from the file name (DESIGN §8: a text file named `.jpg`
 * is mislabelled, a photo named `.dat` is still a photo). Reads only the first bytes.
 *
 * @example sniffImageFormat(await readHead(path)) // 'jpeg' | 'png' | ... | null
 */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'heic' | 'tiff' | 'svg';

/** How many leading bytes `sniffImageFormat` looks at. */
export const SNIFF_BYTES = 512;

/** Extensions a person would expect to be an image; used only to decide whether a non-image is worth a report. */
const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.webp',
  '.gif',
  '.avif',
  '.heic',
  '.heif',
  '.tif',
  '.tiff',
  '.svg',
]);

export function hasImageExtension(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot >= 0 && IMAGE_EXTENSIONS.has(name.slice(dot).toLowerCase());
}

function ascii(head: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...head.subarray(start, end));
}

/** ISO-BMFF brand → format (HEIF family: AVIF uses AV1, HEIC uses HEVC). */
function isoBmffFormat(head: Uint8Array): ImageFormat | null {
  if (head.length < 12 || ascii(head, 4, 8) !== 'ftyp') return null;
  const boxSize = Math.min(((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0, head.length);
  const brands = [ascii(head, 8, 12)];
  for (let i = 16; i + 4 <= boxSize; i += 4) brands.push(ascii(head, i, i + 4));
  if (brands.some((b) => b === 'avif' || b === 'avis')) return 'avif';
  if (brands.some((b) => ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'].includes(b))) return 'heic';
  return null;
}

function isSvg(head: Uint8Array): boolean {
  let text = Buffer.from(head).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.trimStart();
  if (!text.startsWith('<')) return false;
  // An XML prolog, comments or a doctype may precede the root element; the root must be <svg.
  const withoutProlog = text.replace(/^(<\?xml[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[\s\S]*?>|\s+)*/i, '');
  return /^<svg[\s>]/i.test(withoutProlog) || (withoutProlog.length === 0 && /<svg[\s>]/i.test(text));
}

export function sniffImageFormat(head: Uint8Array): ImageFormat | null {
  const b = head;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 4) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a) return 'png';
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  if (
    b.length >= 4 &&
    ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0x00) ||
      (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0x00 && b[3] === 0x2a))
  )
    return 'tiff';
  const bmff = isoBmffFormat(b);
  if (bmff) return bmff;
  if (isSvg(b)) return 'svg';
  return null;
}

/** A short, human description of what a non-image file looks like, for the failure reason. */
export function describeContent(head: Uint8Array): string {
  if (head.length === 0) return 'empty';
  let printable = 0;
  for (const c of head) if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 128) printable++;
  return printable / head.length > 0.95 ? 'text' : 'unrecognised binary data';
}
