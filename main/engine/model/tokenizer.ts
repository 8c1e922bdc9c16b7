/**
 * BERT tokenizer as ALBEF uses it (spec §1.6: models/tokenization_bert.py, a copy of the slow HF
 * BertTokenizer): BasicTokenizer (clean text, split CJK ideographs, lower-case + strip accents,
 * split punctuation) then greedy longest-match WordPiece. ALBEF's change: a single sequence is
 * `[CLS] + tokens` with no `[SEP]`; the manifest's `add_sep` says which rule a bundle was trained with.
 */
import { readFile } from 'node:fs/promises';
import { ModelError } from './errors';

export interface BasicTokenizerOptions {
  lowercase: boolean;
  /** HF semantics: undefined = follow `lowercase`. */
  stripAccents?: boolean;
  tokenizeChineseChars?: boolean;
}

const CONTROL = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}]$/u;
const SPACE_SEPARATOR = /^\p{Zs}$/u;
const PUNCTUATION = /^\p{P}$/u;
const NONSPACING_MARK = /\p{Mn}/gu;

/** `_is_whitespace`: space, tab, newline, carriage return, and Unicode category Zs. */
export function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || SPACE_SEPARATOR.test(ch);
}

/** `_is_control`: Unicode category C*, except tab/newline/carriage return (those count as whitespace). */
export function isControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return CONTROL.test(ch);
}

/** `_is_punctuation`: all non-letter/number ASCII (e.g. `$`, `^`, `` ` ``) plus Unicode category P*. */
export function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
    return true;
  }
  return PUNCTUATION.test(ch);
}

/** `_is_chinese_char`: the CJK Unified Ideographs blocks (not Hiragana/Katakana/Hangul). */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

export function basicTokenize(text: string, options: BasicTokenizerOptions): string[] {
  const stripAccents = options.stripAccents ?? options.lowercase;
  // _clean_text: drop NUL, U+FFFD and control characters; any whitespace becomes a space.
  let cleaned = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0 || cp === 0xfffd || isControl(ch)) continue;
    cleaned += isWhitespace(ch) ? ' ' : ch;
  }
  // _tokenize_chinese_chars: spaces around every CJK ideograph.
  if (options.tokenizeChineseChars ?? true) {
    let spaced = '';
    for (const ch of cleaned) spaced += isChineseChar(ch.codePointAt(0)!) ? ` ${ch} ` : ch;
    cleaned = spaced;
  }
  const out: string[] = [];
  for (let token of whitespaceSplit(cleaned)) {
    if (options.lowercase) token = token.toLowerCase();
    if (stripAccents) token = token.normalize('NFD').replace(NONSPACING_MARK, '');
    out.push(...splitOnPunctuation(token));
  }
  return whitespaceSplit(out.join(' '));
}

function whitespaceSplit(text: string): string[] {
  return text.split(' ').filter((t) => t.length > 0);
}

function splitOnPunctuation(token: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const ch of token) {
    if (isPunctuation(ch)) {
      if (current) pieces.push(current);
      pieces.push(ch);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

/** Greedy longest-match-first WordPiece; a word with an unmatchable rest, or over 100 characters, is `[UNK]`. */
export function wordpieceTokenize(
  text: string,
  vocab: ReadonlyMap<string, number>,
  unk: string,
  maxInputCharsPerWord = 100,
): string[] {
  const out: string[] = [];
  for (const word of whitespaceSplit(text.trim().replace(/\s+/g, ' '))) {
    const chars = Array.from(word);
    if (chars.length > maxInputCharsPerWord) {
      out.push(unk);
      continue;
    }
    const pieces: string[] = [];
    let start = 0;
    let bad = false;
    while (start < chars.length) {
      let end = chars.length;
      let found: string | undefined;
      while (start < end) {
        const sub = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
        if (vocab.has(sub)) {
          found = sub;
          break;
        }
        end -= 1;
      }
      if (found === undefined) {
        bad = true;
        break;
      }
      pieces.push(found);
      start = end;
    }
    if (bad) out.push(unk);
    else out.push(...pieces);
  }
  return out;
}

export interface TokenizerRules {
  lowercase: boolean;
  stripAccents: boolean;
  addSep: boolean;
  /** Including [CLS] (and [SEP] when addSep). */
  maxLength: number;
  specialTokens: { pad: string; unk: string; cls: string; sep: string; mask: string };
}

export interface Encoding {
  ids: number[];
  tokens: string[];
}

export class BertTokenizer {
  readonly padId: number;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;

  constructor(
    readonly vocab: ReadonlyMap<string, number>,
    readonly rules: TokenizerRules,
  ) {
    const need = (field: keyof TokenizerRules['specialTokens']) => {
      const token = rules.specialTokens[field];
      const id = vocab.get(token);
      if (id === undefined) {
        throw new ModelError('BUNDLE_VOCAB_INVALID', `vocabulary has no ${field} token ${JSON.stringify(token)}`);
      }
      return id;
    };
    this.padId = need('pad');
    this.unkId = need('unk');
    this.clsId = need('cls');
    this.sepId = need('sep');
  }

  /** vocab.txt: one token per line, line index = id (trailing newline allowed). */
  static async fromVocabFile(file: string, rules: TokenizerRules): Promise<BertTokenizer> {
    return new BertTokenizer(parseVocab(await readFile(file, 'utf8'), file), rules);
  }

  /** Word pieces of already pre-captioned text, no special tokens. */
  tokenize(text: string): string[] {
    const words = basicTokenize(text, { lowercase: this.rules.lowercase, stripAccents: this.rules.stripAccents });
    const out: string[] = [];
    for (const word of words) out.push(...wordpieceTokenize(word, this.vocab, this.rules.specialTokens.unk));
    return out;
  }

  /** `[CLS] pieces ([SEP])`, truncated to maxLength like HF `truncation=True` (the [SEP] is kept). */
  encode(text: string): Encoding {
    const { cls, sep } = this.rules.specialTokens;
    const room = this.rules.maxLength - 1 - (this.rules.addSep ? 1 : 0);
    const pieces = this.tokenize(text).slice(0, Math.max(0, room));
    const tokens = [cls, ...pieces, ...(this.rules.addSep ? [sep] : [])];
    return { tokens, ids: tokens.map((t) => this.vocab.get(t) ?? this.unkId) };
  }
}

export function parseVocab(text: string, source = 'vocab.txt'): Map<string, number> {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const vocab = new Map<string, number>();
  // Same as HF load_vocab: the line minus its newline is the token; a duplicated token keeps its last id.
  lines.forEach((token, index) => vocab.set(token, index));
  if (vocab.size === 0) throw new ModelError('BUNDLE_VOCAB_INVALID', `${source}: vocabulary is empty`);
  return vocab;
}
