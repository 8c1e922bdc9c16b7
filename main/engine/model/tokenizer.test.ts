import { describe, expect, it } from 'vitest';
import {
  BertTokenizer,
  basicTokenize,
  isControl,
  isPunctuation,
  isWhitespace,
  parseVocab,
  wordpieceTokenize,
  type TokenizerRules,
} from './tokenizer';

/*
 * Expected outputs copied as DATA from the reference implementation's own tests:
 * huggingface/transformers tests/models/bert/test_tokenization_bert.py
 * (commit 02d54151e9ede73b0a0cbdade8e05158fac0961f): BasicTokenizer, WordpieceTokenizer, full tokenizer,
 * _is_whitespace/_is_control/_is_punctuation and clean-text cases.
 */
const HELLO = ' \tHeLLo!how  \n Are yoU?  ';
const HALLO = ' \tHäLLo!how  \n Are yoU?  ';
const basicCases: Array<{
  test: string;
  lowercase: boolean;
  stripAccents?: boolean;
  input: string;
  expected: string[];
}> = [
  { test: 'test_chinese', lowercase: true, input: 'ah\u535A\u63A8zz', expected: ['ah', '\u535A', '\u63A8', 'zz'] },
  {
    test: 'test_basic_tokenizer_lower',
    lowercase: true,
    input: HELLO,
    expected: ['hello', '!', 'how', 'are', 'you', '?'],
  },
  { test: 'test_basic_tokenizer_lower', lowercase: true, input: 'H\u00E9llo', expected: ['hello'] },
  {
    test: 'test_basic_tokenizer_lower_strip_accents_false',
    lowercase: true,
    stripAccents: false,
    input: HALLO,
    expected: ['hällo', '!', 'how', 'are', 'you', '?'],
  },
  {
    test: 'test_basic_tokenizer_lower_strip_accents_false',
    lowercase: true,
    stripAccents: false,
    input: 'H\u00E9llo',
    expected: ['h\u00E9llo'],
  },
  {
    test: 'test_basic_tokenizer_lower_strip_accents_true',
    lowercase: true,
    stripAccents: true,
    input: HALLO,
    expected: ['hallo', '!', 'how', 'are', 'you', '?'],
  },
  {
    test: 'test_basic_tokenizer_lower_strip_accents_true',
    lowercase: true,
    stripAccents: true,
    input: 'H\u00E9llo',
    expected: ['hello'],
  },
  {
    test: 'test_basic_tokenizer_lower_strip_accents_default',
    lowercase: true,
    input: HALLO,
    expected: ['hallo', '!', 'how', 'are', 'you', '?'],
  },
  {
    test: 'test_basic_tokenizer_no_lower',
    lowercase: false,
    input: HELLO,
    expected: ['HeLLo', '!', 'how', 'Are', 'yoU', '?'],
  },
  {
    test: 'test_basic_tokenizer_no_lower_strip_accents_false',
    lowercase: false,
    stripAccents: false,
    input: HALLO,
    expected: ['HäLLo', '!', 'how', 'Are', 'yoU', '?'],
  },
  {
    test: 'test_basic_tokenizer_no_lower_strip_accents_true',
    lowercase: false,
    stripAccents: true,
    input: HALLO,
    expected: ['HaLLo', '!', 'how', 'Are', 'yoU', '?'],
  },
  {
    test: 'test_basic_tokenizer_splits_on_punctuation',
    lowercase: true,
    input: "a\n'll !!to?'d of, can't.",
    expected: ['a', "'", 'll', '!', '!', 'to', '?', "'", 'd', 'of', ',', 'can', "'", 't', '.'],
  },
  { test: 'test_basic_tokenizer_remove_control_chars_true', lowercase: true, input: '\u200E\u200F', expected: [] },
];

const WORDPIECE_VOCAB = ['[UNK]', '[CLS]', '[SEP]', 'want', '##want', '##ed', 'wa', 'un', 'runn', '##ing'];
const wordpieceCases: Array<{ input: string; expected: string[] }> = [
  { input: '', expected: [] },
  { input: 'unwanted running', expected: ['un', '##want', '##ed', 'runn', '##ing'] },
  { input: 'unwantedX running', expected: ['[UNK]', 'runn', '##ing'] },
];

// setUp() vocabulary of BertTokenizationTest.
const FULL_VOCAB = [
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[PAD]',
  '[MASK]',
  'want',
  '##want',
  '##ed',
  'wa',
  'un',
  'runn',
  '##ing',
  ',',
  'low',
  'lowest',
];

const charCases = {
  whitespace: { yes: [' ', '\t', '\r', '\n', '\u00A0'], no: ['A', '-'] },
  control: { yes: ['\u0005'], no: ['A', ' ', '\t', '\r'] },
  punctuation: { yes: ['-', '$', '`', '.'], no: ['A', ' '] },
};

const rules = (over: Partial<TokenizerRules> = {}): TokenizerRules => ({
  lowercase: true,
  stripAccents: true,
  addSep: false,
  maxLength: 30,
  specialTokens: { pad: '[PAD]', unk: '[UNK]', cls: '[CLS]', sep: '[SEP]', mask: '[MASK]' },
  ...over,
});
const vocabOf = (tokens: string[]) => parseVocab(tokens.join('\n') + '\n');

describe('BasicTokenizer (transformers test cases)', () => {
  it.each(basicCases)('$test: $input', ({ lowercase, stripAccents, input, expected }) => {
    expect(basicTokenize(input, { lowercase, stripAccents })).toEqual(expected);
  });

  it('classifies whitespace, control and punctuation characters like _is_whitespace/_is_control/_is_punctuation', () => {
    for (const ch of charCases.whitespace.yes) expect(isWhitespace(ch), JSON.stringify(ch)).toBe(true);
    for (const ch of charCases.whitespace.no) expect(isWhitespace(ch), JSON.stringify(ch)).toBe(false);
    for (const ch of charCases.control.yes) expect(isControl(ch), JSON.stringify(ch)).toBe(true);
    for (const ch of charCases.control.no) expect(isControl(ch), JSON.stringify(ch)).toBe(false);
    for (const ch of charCases.punctuation.yes) expect(isPunctuation(ch), JSON.stringify(ch)).toBe(true);
    for (const ch of charCases.punctuation.no) expect(isPunctuation(ch), JSON.stringify(ch)).toBe(false);
  });
});

describe('WordpieceTokenizer (transformers test cases)', () => {
  const vocab = vocabOf(WORDPIECE_VOCAB);
  it.each(wordpieceCases)('test_wordpiece_tokenizer: "$input"', ({ input, expected }) => {
    expect(wordpieceTokenize(input, vocab, '[UNK]')).toEqual(expected);
  });

  it('gives [UNK] for a word of 101 characters and splits one of 100', () => {
    const v = vocabOf(['[UNK]', 'a', '##a']);
    expect(wordpieceTokenize('a'.repeat(101), v, '[UNK]')).toEqual(['[UNK]']);
    expect(wordpieceTokenize('a'.repeat(100), v, '[UNK]')).toEqual(['a', ...Array<string>(99).fill('##a')]);
  });

  it('counts characters by code point, not UTF-16 unit, for the 100-character limit', () => {
    const v = vocabOf(['[UNK]', '😀', '##😀']);
    expect(wordpieceTokenize('😀'.repeat(100), v, '[UNK]')).toHaveLength(100);
  });
});

describe('BertTokenizer', () => {
  const tok = new BertTokenizer(vocabOf(FULL_VOCAB), rules());

  it('test_full_tokenizer: tokens and ids of "UNwant\\u00E9d,running"', () => {
    const tokens = tok.tokenize('UNwant\u00E9d,running');
    expect(tokens).toEqual(['un', '##want', '##ed', ',', 'runn', '##ing']);
    expect(tokens.map((t) => tok.vocab.get(t))).toEqual([9, 6, 7, 12, 10, 11]);
  });

  it('test_clean_text: soft hyphen alone tokenizes to nothing, unknown words to [UNK]', () => {
    expect(['Test', '\xad', 'test'].map((t) => tok.tokenize(t))).toEqual([['[UNK]'], [], ['[UNK]']]);
  });

  it('builds [CLS] + pieces without [SEP] when add_sep is false (original ALBEF, spec §1.6)', () => {
    expect(tok.encode('unwanted running')).toEqual({
      tokens: ['[CLS]', 'un', '##want', '##ed', 'runn', '##ing'],
      ids: [1, 9, 6, 7, 10, 11],
    });
  });

  it('appends [SEP] when add_sep is true and keeps it when truncating', () => {
    const withSep = new BertTokenizer(vocabOf(FULL_VOCAB), rules({ addSep: true, maxLength: 4 }));
    expect(withSep.encode('unwanted running').tokens).toEqual(['[CLS]', 'un', '##want', '[SEP]']);
  });

  it('truncates to max_length including [CLS]: at most max_length - 1 pieces', () => {
    const short = new BertTokenizer(vocabOf(FULL_VOCAB), rules({ maxLength: 3 }));
    expect(short.encode('unwanted running').ids).toEqual([1, 9, 6]);
  });

  it('encodes an empty caption as [CLS] alone', () => {
    expect(tok.encode('').ids).toEqual([1]);
  });

  it('refuses a vocabulary without the special tokens the rules name', () => {
    expect(() => new BertTokenizer(vocabOf(['[UNK]', '[CLS]', '[SEP]']), rules())).toThrow(/no pad token "\[PAD\]"/);
  });
});
