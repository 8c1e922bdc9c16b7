import { describe, expect, it } from 'vitest';
import { preCaption } from './pre-caption';

// Expected values follow salesforce/ALBEF dataset/utils.py pre_caption step by step (spec §1.6).
const cases: Array<[string, number, string]> = [
  ["Men's T-Shirt", 30, 'mens t shirt'],
  ['A dog, running! (fast)', 30, 'a dog running fast'],
  ['red/blue  striped   <person>', 30, 'red blue striped person'],
  ['  padded caption \n', 30, 'padded caption'],
  ['a\tb', 30, 'a\tb'], // a single tab is not a run of 2+: ALBEF keeps it
  ['one two three four', 2, 'one two'],
  ['"quoted"; #tag: ~x*', 30, 'quoted tag x'],
  ['', 30, ''],
  ['...', 30, ''],
  ['Ça Va?', 30, 'ça va'], // accents are left to the tokenizer
];

describe('preCaption', () => {
  it.each(cases)('%j (max %i words) → %j', (input, maxWords, expected) => {
    expect(preCaption(input, maxWords)).toBe(expected);
  });
});
