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
      throw new ModelError('CAPTION_NOT_UTF8', `${label}: contains an unpaired UTF-16 surrogate, not valid Unicode text`);
    }
    caption = text;
  } else {
    if (text.byteLength > MAX_CAPTION_CHARS * 4) {
      throw new ModelError('CAPTION_TOO_LONG', `${label}: ${text.byteLength} bytes is over the limit of ${MAX_CAPTION_CHARS} characters`);
    }
    try {
      caption = new TextDecoder('utf-8', { fatal: true }).decode(text);
    } catch {
      const at = firstInvalidUtf8(text);
      throw new ModelError('CAPTION_NOT_UTF8', `${label}: not UTF-8 text (invalid byte 0x${text[at]!.toString(16).padStart(2, '0')} at offset ${at})`);
    }
  }
  if (caption.length > MAX_CAPTION_CHARS) {
    throw new ModelError('CAPTION_TOO_LONG', `${label}: ${caption.length} characters is over the limit of ${MAX_CAPTION_CHARS}`);
  }
  const cleaned = preCaption(caption, manifest.text.pre_caption.max_words);
  const encoding = tokenizer.encode(cleaned);
  if (cleaned.trim() === '' || encoding.ids.length <= (manifest.text.add_sep ? 2 : 1)) {
    throw new ModelError('CAPTION_EMPTY', `${label}: empty after caption cleaning (pre_caption), nothing to embed`);
  }
  return encoding;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.byteLength;
  // Longest valid prefix by bisection; the byte after it (or within the next 4) is the culprit.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      // stream: an incomplete sequence at the cut is not an error, an invalid byte is.
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return Math.min(lo, bytes.byteLength - 1);
}
