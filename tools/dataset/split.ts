/**
 * The fixed emoji split (datasets.md, "The split" and "Leakage rules").
 * Pure: takes the concept table and the per-style image tables, returns the pair lists.
 */
import { createHash } from 'node:crypto';
import { ALL_STYLES, TRAIN_STYLES, type Concept, type Style, type TrainStyle } from './sources';

/** A base concept is held out when the first byte of sha1(label) mod 5 is 0 (skins pass their base label). */
export function isHeldOut(baseLabel: string): boolean {
  return createHash('sha1').update(baseLabel, 'utf8').digest()[0]! % 5 === 0;
}

export interface Pair {
  concept: Concept;
  style: Style;
  /** Absolute path of the source image in its package. */
  source: string;
}

export interface EmojiSplit {
  /** Base concepts (no skins, no component group) with an image in all four styles. */
  allFour: Concept[];
  /** allFour, not held out, × the three train styles. */
  core: Pair[];
  /** Every joinable train-style image whose base concept is not held out (skins included). */
  ext: Pair[];
  fluentSeen: Pair[];
  fluentNovel: Pair[];
  /** fluentSeen ∪ fluentNovel in concept order: all non-flag allFour concepts. */
  fluent: Pair[];
}

export type ImageTables = Record<Style, Map<string, string>>;

/**
 * `concepts` must iterate in emojibase order (loadConcepts does), so every manifest has a stable order:
 * concept order first, then style order noto, twemoji, openmoji.
 */
export function buildSplit(concepts: Map<string, Concept>, images: ImageTables): EmojiSplit {
  const all = [...concepts.values()];
  const allFour = all.filter(
    (c) => !c.isSkin && c.group !== 'component' && ALL_STYLES.every((s) => images[s].has(c.key)),
  );
  const pair = (concept: Concept, style: Style): Pair => ({
    concept,
    style,
    source: images[style].get(concept.key)!,
  });
  const trainPairs = (cs: Concept[]): Pair[] =>
    cs.flatMap((c) => TRAIN_STYLES.filter((s: TrainStyle) => images[s].has(c.key)).map((s) => pair(c, s)));

  const core = trainPairs(allFour.filter((c) => !isHeldOut(c.baseLabel)));
  const ext = trainPairs(all.filter((c) => !isHeldOut(c.baseLabel)));
  // Flags are dropped from every Fluent test: the 3D package's country flags are copies of Noto's.
  const fluent = allFour.filter((c) => c.group !== 'flags').map((c) => pair(c, 'fluent'));
  return {
    allFour,
    core,
    ext,
    fluent,
    fluentSeen: fluent.filter((p) => !isHeldOut(p.concept.baseLabel)),
    fluentNovel: fluent.filter((p) => isHeldOut(p.concept.baseLabel)),
  };
}
