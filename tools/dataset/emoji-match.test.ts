import { describe, expect, it } from 'vitest';
import { loadGcomprisPhotos } from './build-gcompris';
import { EmojiMatcher, nameForms, REVIEWED_MATCHES } from './emoji-match';
import { loadConcepts } from './sources';

const matcher = new EmojiMatcher(
  [...loadConcepts('en').values()].filter((c) => c.group !== 'component' && c.group !== 'flags'),
);

describe('EmojiMatcher', () => {
  it.each([
    ['polar_bear', 'polar bear', 'label'],
    ['Polar bear', 'polar bear', 'label'],
    ['camels', 'camel', 'label'],
    ['swans', 'swan', 'label'],
    ['alpaca', 'llama', 'tag'],
    ['bee', 'honeybee', 'tag'],
    ['sheep', 'ewe', 'reviewed'],
  ])('matches %s to "%s" by %s', (name, label, by) => {
    const m = matcher.match(name);
    expect([m?.concept.label, m?.by]).toEqual([label, by]);
  });

  it.each(['dam', 'cup', 'Komodo dragon', 'knife', 'windmill', 'Eiffel Tower'])('leaves %s unmatched', (name) => {
    expect(matcher.match(name)).toBeNull();
  });

  it('has an emoji label for every reviewed target', () => {
    for (const [name, label] of Object.entries(REVIEWED_MATCHES)) {
      if (label !== null) expect(matcher.match(name)?.concept.label).toBe(label);
    }
  });

  it('forms singulars of plural names', () => {
    expect(nameForms('Meerkats')).toEqual(['meerkats', 'meerkat']);
    expect(nameForms('butterflies')).toEqual(['butterflies', 'butterfly', 'butterflie']);
    expect(nameForms('boxes')).toEqual(['boxes', 'box', 'boxe']);
  });
});

describe('zero-shot matches on the GCompris photos', () => {
  it('maps 94 of 246 photos to 48 emoji concepts', () => {
    const { photos } = loadGcomprisPhotos('/usr/share/gcompris-qt/rcc');
    const hits = photos.map((p) => matcher.match(p.name)).filter((m) => m !== null);
    expect(hits).toHaveLength(94);
    expect(new Set(hits.map((m) => m.concept.key)).size).toBe(48);
  });
});
