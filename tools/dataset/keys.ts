/**
 * Concept-key normalisation (datasets.md, "Joining images to captions").
 * Every package spells code points differently; this maps all of them to one key:
 * lower-case, split on - _ or space, drop the variation selectors fe0f/fe0e,
 * print each part as hex without leading zeros, join with '-'.
 */
export function normaliseKey(raw: string): string {
  const parts = raw
    .trim()
    .toLowerCase()
    .split(/[-_\s]+/)
    .filter((p) => p !== '' && p !== 'fe0f' && p !== 'fe0e');
  return parts
    .map((p) => {
      if (!/^[0-9a-f]+$/.test(p)) throw new Error(`normaliseKey: "${raw}" has a non-hex part "${p}"`);
      return parseInt(p, 16).toString(16);
    })
    .join('-');
}

/** Key for a file name like `1F600.svg` or `0023-fe0f-20e3.webp`; null when the stem is not a code-point sequence. */
export function keyFromFileName(fileName: string): string | null {
  const stem = fileName.replace(/\.[^.]+$/, '');
  if (!/^[0-9a-fA-F]+([-_ ][0-9a-fA-F]+)*$/.test(stem)) return null;
  return normaliseKey(stem);
}
