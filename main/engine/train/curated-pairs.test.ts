import { describe, expect, it } from 'vitest';
import { countPairs, type CuratedPair, pairAlpha, pairStateFromReview } from './curated-pairs';
import { splitByGroup } from './held-out-split';

describe('curated pairs', () => {
  it('leans unreviewed pairs on the momentum teacher and trusts reviewed ones', () => {
    const rule = { alpha: 0.4, alphaConfirmed: 0.05 };
    expect(pairAlpha('unreviewed', rule)).toBe(0.4);
    expect(pairAlpha('confirmed', rule)).toBe(0.05);
    expect(pairAlpha('edited', rule)).toBe(0.05);
  });

  it('maps the store review states onto training states', () => {
    expect(['unreviewed', 'accepted', 'corrected', 'rejected'].map((s) => pairStateFromReview(s as never))).toEqual([
      'unreviewed',
      'confirmed',
      'edited',
      'rejected',
    ]);
  });

  it('counts usable pairs and their groups without the rejected ones', () => {
    const pairs: CuratedPair[] = [
      { imageIndex: 0, captionIndex: 0, group: 'a', state: 'confirmed' },
      { imageIndex: 1, captionIndex: 1, group: 'b', state: 'rejected' },
      { imageIndex: 2, captionIndex: 2, group: 'a', state: 'unreviewed' },
    ];
    expect(countPairs(pairs)).toEqual({ total: 3, rejected: 1, usable: 2, groups: 1 });
  });
});

describe('splitByGroup', () => {
  const pairs: CuratedPair[] = Array.from({ length: 400 }, (_, i) => ({
    imageIndex: i,
    captionIndex: i,
    group: `g${i % 100}`,
    state: i % 7 === 0 ? 'rejected' : 'unreviewed',
  }));

  it('holds out whole groups, about the asked fraction, and never a rejected pair', () => {
    const s = splitByGroup(pairs, 0.1, 2);
    const held = new Set(s.heldOut.map((i) => pairs[i]!.group));
    expect(s.train.some((i) => held.has(pairs[i]!.group))).toBe(false);
    expect(s.heldOut.every((i) => pairs[i]!.state !== 'rejected')).toBe(true);
    expect(s.heldOutGroups).toBe(held.size);
    expect(held.size).toBeGreaterThanOrEqual(4);
    expect(held.size).toBeLessThanOrEqual(18);
  });

  it('is independent of pair order and stable when groups are added', () => {
    const a = splitByGroup(pairs, 0.1, 2);
    const reversed = pairs.slice().reverse();
    const b = splitByGroup(reversed, 0.1, 2);
    const groups = (s: typeof a, ps: CuratedPair[]) => [...new Set(s.heldOut.map((i) => ps[i]!.group))].sort();
    expect(groups(b, reversed)).toEqual(groups(a, pairs));
    const grown = [
      ...pairs,
      ...Array.from({ length: 100 }, (_, i): CuratedPair => ({
        imageIndex: 400 + i,
        captionIndex: 400 + i,
        group: `new${i}`,
        state: 'unreviewed',
      })),
    ];
    const c = splitByGroup(grown, 0.1, 2);
    const heldBefore = groups(a, pairs);
    expect(groups(c, grown).filter((g) => !String(g).startsWith('new'))).toEqual(heldBefore);
  });

  it('holds out at least the minimum number of groups in a small library', () => {
    const few = pairs.slice(0, 12).map((p, i) => ({ ...p, group: `s${i % 6}`, state: 'unreviewed' as const }));
    expect(splitByGroup(few, 0.0, 2).heldOutGroups).toBe(2);
  });
});
