/**
 * ALBEF's caption cleaning, `pre_caption` in salesforce/ALBEF dataset/utils.py (spec §1.6):
 * lower-case, delete , . ' ! ? " ( ) * # : ; ~, turn - and / into spaces, <person> into person,
 * collapse runs of 2+ whitespace characters, strip, keep the first `maxWords` space-separated words.
 * Every step mirrors the Python one, including its quirks (a single tab survives; split is on ' ').
 */
const DELETED = /[,.'!?"()*#:;~]/g;
const WHITESPACE_RUN = /\s{2,}/g;

export function preCaption(caption: string, maxWords: number): string {
  let text = caption
    .toLowerCase()
    .replace(DELETED, '')
    .replaceAll('-', ' ')
    .replaceAll('/', ' ')
    .replaceAll('<person>', 'person');
  text = text.replace(WHITESPACE_RUN, ' ');
  text = text.replace(/\n+$/, ''); // rstrip('\n')
  text = text.replace(/^ +| +$/g, ''); // strip(' ')
  const words = text.split(' ');
  return words.length > maxWords ? words.slice(0, maxWords).join(' ') : text;
}
