import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { preCaption } from './pre-caption';
import { BertTokenizer, parseVocab } from './tokenizer';

/*
 * Token ids produced by M's Python tokenizer (tools/albef/tokenizer.py, run as a CLI by
 * test/fixtures/pipeline-parity/tokenizer-ids.py) for real emoji captions and hand-written hard cases
 * (accents, CJK, emoji, control characters, a >100-character word, >30 words), under three rule sets.
 */
const DIR = path.resolve(__dirname, '../../../test/fixtures/pipeline-parity');
const fixture = JSON.parse(readFileSync(path.join(DIR, 'tokenizer-ids.json'), 'utf8')) as {
  vocab: string;
  max_words: number;
  captions: string[];
  tables: Array<{ add_sep: boolean; max_length: number; ids: number[][] }>;
};
const vocab = parseVocab(readFileSync(path.join(DIR, fixture.vocab), 'utf8'));

describe.each(fixture.tables)(
  'token ids equal the Python tokenizer (add_sep $add_sep, max_length $max_length)',
  (table) => {
    const tokenizer = new BertTokenizer(vocab, {
      lowercase: true,
      stripAccents: true,
      addSep: table.add_sep,
      maxLength: table.max_length,
      specialTokens: { pad: '[PAD]', unk: '[UNK]', cls: '[CLS]', sep: '[SEP]', mask: '[MASK]' },
    });

    it(`for all ${fixture.captions.length} captions`, () => {
      const mismatches = fixture.captions
        .map((caption, i) => ({
          caption,
          want: table.ids[i]!,
          got: tokenizer.encode(preCaption(caption, fixture.max_words)).ids,
        }))
        .filter((r) => JSON.stringify(r.got) !== JSON.stringify(r.want));
      expect(mismatches).toEqual([]);
      expect(table.ids).toHaveLength(fixture.captions.length);
    });
  },
);
