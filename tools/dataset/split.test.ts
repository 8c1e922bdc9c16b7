/**
 * The split on the real installed packages (datasets.md, "The split"). No image is rasterised here.
 * Figures measured with emojibase-data@17.0.0, emoji-datasource-google@16.0.0, @twemoji/svg@15.0.0,
 * openmoji@17.0.0, @lobehub/fluent-emoji-3d@1.1.0; README.md explains where they differ from datasets.md.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_STYLES, loadConcepts, loadStyleImages, type Concept, type Style } from './sources';
import { buildSplit, isHeldOut, type EmojiSplit } from './split';

let concepts: Map<string, Concept>;
let split: EmojiSplit;

beforeAll(() => {
  concepts = loadConcepts('en');
  const images = Object.fromEntries(ALL_STYLES.map((s) => [s, loadStyleImages(s)])) as Record<
    Style,
    Map<string, string>
  >;
  split = buildSplit(concepts, images);
});

describe('isHeldOut', () => {
  it.each([
    ['grinning face', true], // sha1 starts 0x64 = 100, 100 mod 5 = 0
    ['red apple', false], // 0x9f = 159
    ['polar bear', false], // 0xde = 222
    ['waving hand', false], // 0xd6 = 214
  ])('%s held out: %s', (label, held) => {
    expect(isHeldOut(label)).toBe(held);
  });
});

describe('emoji split on the installed packages', () => {
  it('has the Fluent test sizes of datasets.md exactly', () => {
    expect(split.fluent).toHaveLength(1599);
    expect(split.fluentSeen).toHaveLength(1284);
    expect(split.fluentNovel).toHaveLength(315);
  });

  it('has the measured train sizes', () => {
    expect(split.allFour).toHaveLength(1852);
    expect(split.core).toHaveLength(4437);
    expect(new Set(split.core.map((p) => p.concept.key)).size).toBe(1479);
    expect(split.ext).toHaveLength(9225);
  });

  it('puts each core concept in exactly the three train styles', () => {
    const styles = new Map<string, string[]>();
    for (const p of split.core) styles.set(p.concept.key, [...(styles.get(p.concept.key) ?? []), p.style]);
    for (const s of styles.values()) expect(s).toEqual(['noto', 'twemoji', 'openmoji']);
  });

  it('never trains on Fluent or on a held-out concept, skin tones following their base label', () => {
    for (const p of [...split.core, ...split.ext]) {
      expect(p.style).not.toBe('fluent');
      expect(isHeldOut(p.concept.baseLabel)).toBe(false);
    }
    const heldSkins = [...concepts.values()].filter((c) => c.isSkin && isHeldOut(c.baseLabel));
    expect(heldSkins.length).toBeGreaterThan(0);
    const extKeys = new Set(split.ext.map((p) => p.concept.key));
    for (const c of heldSkins) expect(extKeys.has(c.key)).toBe(false);
  });

  it('keeps flags, skins and the component group out of the Fluent tests, one image per concept', () => {
    for (const p of split.fluent) {
      expect(p.style).toBe('fluent');
      expect(p.concept.group).not.toBe('flags');
      expect(p.concept.group).not.toBe('component');
      expect(p.concept.isSkin).toBe(false);
    }
    expect(new Set(split.fluent.map((p) => p.concept.key)).size).toBe(split.fluent.length);
  });

  it('makes the seen concepts exactly the non-flag core concepts, and no novel concept trained', () => {
    const coreKeys = new Set(split.core.map((p) => p.concept.key));
    for (const p of split.fluentSeen) expect(coreKeys.has(p.concept.key)).toBe(true);
    const extBase = new Set(split.ext.map((p) => p.concept.baseKey));
    for (const p of split.fluentNovel) expect(extBase.has(p.concept.key)).toBe(false);
  });
});
