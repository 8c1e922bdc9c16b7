import { describe, expect, it } from 'vitest';
import { pickStamps, spread } from './build-demo-library-source';
import type { Stamp } from './stamps';

describe('demo selection helpers', () => {
  it('spreads a pick evenly from first to near-last', () => {
    expect(spread([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([0, 3, 6]);
    expect(spread([1, 2], 5)).toEqual([1, 2]);
    expect(spread([1, 2], 0)).toEqual([]);
  });

  it('picks stamps round-robin over top-level categories in sorted order', () => {
    const s = (id: string): Stamp => ({
      id,
      category: id.split('/').slice(0, -1),
      caption: id,
      translations: {},
      image: '',
      format: 'png',
    });
    const stamps = ['food/b', 'animals/x', 'food/a', 'animals/y', 'animals/z', 'town/q'].map(s);
    expect(pickStamps(stamps, 5).map((x) => x.id)).toEqual(['animals/x', 'food/a', 'town/q', 'animals/y', 'food/b']);
  });
});
