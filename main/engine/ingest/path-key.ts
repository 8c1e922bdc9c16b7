/**
 * File names on Linux are bytes, not text (DESIGN §8 "odd Unicode paths"). The walk keeps every path as a
 * Buffer; the store and the API need a string. A valid UTF-8 path is its own key; any other path becomes
 * `\0x` + hex of its bytes — reversible, and it can never collide with a real path because POSIX paths
 * cannot contain NUL.
 *
 * @example pathKey(Buffer.from('a/é.jpg')) === 'a/é.jpg'; pathFromKey(pathKey(buf)).equals(buf)
 */
const BYTES_PREFIX = '\0x';

function isValidUtf8(bytes: Buffer): boolean {
  // A lossless round trip is the definition we need: the string names exactly these bytes.
  const text = bytes.toString('utf8');
  return !text.includes('\uFFFD') || Buffer.from(text, 'utf8').equals(bytes);
}

export function pathKey(bytes: Buffer): string {
  return isValidUtf8(bytes) ? bytes.toString('utf8') : BYTES_PREFIX + bytes.toString('hex');
}

export function pathFromKey(key: string): Buffer {
  return key.startsWith(BYTES_PREFIX) ? Buffer.from(key.slice(BYTES_PREFIX.length), 'hex') : Buffer.from(key, 'utf8');
}

/** What a person sees: invalid bytes shown as \xNN so the name can still be found in a terminal. */
export function displayPath(key: string): string {
  if (!key.startsWith(BYTES_PREFIX)) return key;
  const bytes = pathFromKey(key);
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    // Decode the longest valid UTF-8 run, escape one bad byte, repeat.
    let j = i;
    while (j < bytes.length) {
      const len = utf8SequenceLength(bytes, j);
      if (len === 0) break;
      j += len;
    }
    out += bytes.subarray(i, j).toString('utf8');
    if (j < bytes.length) {
      out += `\\x${bytes[j]!.toString(16).padStart(2, '0')}`;
      j++;
    }
    i = j;
  }
  return out;
}

function utf8SequenceLength(b: Buffer, i: number): number {
  const c = b[i]!;
  const need = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (need === 0 || i + need > b.length) return 0;
  for (let k = 1; k < need; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  return Buffer.from(b.subarray(i, i + need).toString('utf8'), 'utf8').equals(b.subarray(i, i + need)) ? need : 0;
}
