/**
 * Caption → token ids with the per-item checks the embedder reports (DESIGN §8): bytes must be
 * UTF-8, strings well-formed, the caption bounded in size and not empty after `pre_caption`.
 */
import { ModelError } from './errors';
import type { Manifest } from './manifest';
import { preCaption } from './pre-caption';
import type { BertTokenizer, Encoding } from './tokenizer';

/** A caption as a string, or raw bytes that must be UTF-8. */
export type TextInput = string | Uint8Array;

/** Captions longer than this are refused before any work (a 10 MB "caption" is a mistake, not a caption). */
export const MAX_CAPTION_CHARS = 64 * 1024;
/** In a `u` regex, paired surrogates are one code point, so this matches only unpaired ones. */
const LONE_SURROGATE = /\p{Cs}/u;

export function describeText(text: TextInput, index: number): string {
  if (typeof text !== 'string') return `caption #${index} (${text.byteLength} bytes)`;
  const head = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `caption #${index} ${JSON.stringify(head)}`;
}

export function encodeCaption(text: TextInput, tokenizer: BertTokenizer, manifest: Manifest, label: string): Encoding {
  let caption: string;
  if (typeof text === 'string') {
    if (LONE_SURROGATE.test(text)) {
      throw new ModelError(
        'CAPTION_NOT_UTF8',
        `${label}: contains an unpaired UTF-16 surrogate, not valid Unicode text`,
      );
    }
    caption = text;
  } else {
    if (text.byteLength > MAX_CAPTION_CHARS * 4) {
      throw new ModelError(
        'CAPTION_TOO_LONG',
        `${label}: ${text.byteLength} bytes is over the limit of ${MAX_CAPTION_CHARS} characters`,
      );
    }
    try {
      caption = new TextDecoder('utf-8', { fatal: true }).decode(text);
    } catch {
      const at = firstInvalidUtf8(text);
      throw new ModelError(
        'CAPTION_NOT_UTF8',
        `${label}: not UTF-8 text (invalid byte 0x${text[at]!.toString(16).padStart(2, '0')} at offset ${at})`,
      );
    }
  }
  if (caption.length > MAX_CAPTION_CHARS) {
    throw new ModelError(
      'CAPTION_TOO_LONG',
      `${label}: ${caption.length} characters is over the limit of ${MAX_CAPTION_CHARS}`,
    );
  }
  const cleaned = preCaption(caption, manifest.text.pre_caption.max_words);
  const encoding = tokenizer.encode(cleaned);
  if (cleaned.trim() === '' || encoding.ids.length <= (manifest.text.add_sep ? 2 : 1)) {
    throw new ModelError('CAPTION_EMPTY', `${label}: empty after caption cleaning (pre_caption), nothing to embed`);
  }
  return encoding;
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}
