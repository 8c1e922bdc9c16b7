/**
 * What a fine-tune takes, and the checks that run before any training: shapes and indices (a bad row is named),
 * "enough to learn from" (refusals say what is needed), and the held-out gallery builder.
 */
import { countPairs, type CuratedPair } from './curated-pairs';
import { FineTuneError } from './fine-tune-error';
import type { FineTuneOptions } from './fine-tune-options';
import { cloneHeads, headParameters, type ProjectionHeads } from './heads';
import type { Gallery } from './recall';

export interface FineTuneInput {
  /** [N, imageWidth] frozen image CLS features (pre-projection), row = CuratedPair.imageIndex. */
  imageFeatures: Float32Array;
  imageWidth: number;
  /** [M, captionWidth] frozen caption CLS features, row = CuratedPair.captionIndex. */
  captionFeatures: Float32Array;
  captionWidth: number;
  pairs: readonly CuratedPair[];
  /** The current model version's heads: the student's start and the frozen KD teacher. */
  base: ProjectionHeads;
}

export function checkInput(input: FineTuneInput): void {
  const { imageFeatures, imageWidth, captionFeatures, captionWidth, base } = input;
  const bad = (m: string): never => {
    throw new FineTuneError('bad-input', m);
  };
  if (imageFeatures.length % imageWidth !== 0)
    bad(`image features: length ${imageFeatures.length} is not a multiple of width ${imageWidth}`);
  if (captionFeatures.length % captionWidth !== 0)
    bad(`caption features: length ${captionFeatures.length} is not a multiple of width ${captionWidth}`);
  if (base.vision.proj.inDim !== imageWidth)
    bad(`vision_proj.weight expects width ${base.vision.proj.inDim}, image features have ${imageWidth}`);
  if (base.text.proj.inDim !== captionWidth)
    bad(`text_proj.weight expects width ${base.text.proj.inDim}, caption features have ${captionWidth}`);
  const nI = imageFeatures.length / imageWidth;
  const nC = captionFeatures.length / captionWidth;
  input.pairs.forEach((p, i) => {
    if (!Number.isInteger(p.imageIndex) || p.imageIndex < 0 || p.imageIndex >= nI)
      bad(`pairs[${i}].imageIndex ${p.imageIndex} is outside 0..${nI - 1}`);
    if (!Number.isInteger(p.captionIndex) || p.captionIndex < 0 || p.captionIndex >= nC)
      bad(`pairs[${i}].captionIndex ${p.captionIndex} is outside 0..${nC - 1}`);
  });
}

/** Throws a FineTuneError saying what is needed when there is too little to learn from. */
export function assertTrainable(
  pairs: readonly CuratedPair[],
  o: Pick<FineTuneOptions, 'minPairs' | 'minGroups'>,
): void {
  const c = countPairs(pairs);
  if (c.total > 0 && c.usable === 0) {
    throw new FineTuneError(
      'all-rejected',
      `All ${c.total} pairs are rejected; fine-tuning needs at least ${o.minPairs} pairs that are confirmed, edited or unreviewed.`,
    );
  }
  if (c.usable < o.minPairs) {
    throw new FineTuneError(
      'too-few-pairs',
      `Fine-tuning needs at least ${o.minPairs} image–caption pairs that are not rejected; this library has ${c.usable} (${c.rejected} rejected). Import or confirm more pairs.`,
    );
  }
  if (c.groups < o.minGroups) {
    throw new FineTuneError(
      'too-few-groups',
      `Fine-tuning needs pairs from at least ${o.minGroups} different images or products (captions of one group are not negatives of each other); these pairs cover ${c.groups}.`,
    );
  }
}

/** The held-out gallery: each distinct image and caption of the given pairs once, with its group. */
export function gallery(
  pairs: readonly CuratedPair[],
  idx: number[],
  groupId: Map<string, number>,
  imageEmb: Float32Array,
  textEmb: Float32Array,
  dim: number,
): Gallery {
  const images = new Map<number, number>();
  const texts = new Map<number, number>();
  for (const i of idx) {
    const p = pairs[i]!;
    const g = groupId.get(String(p.group))!;
    if (!images.has(p.imageIndex)) images.set(p.imageIndex, g);
    if (!texts.has(p.captionIndex)) texts.set(p.captionIndex, g);
  }
  const gather = (m: Map<number, number>, emb: Float32Array) => {
    const out = new Float32Array(m.size * dim);
    let k = 0;
    for (const row of m.keys()) out.set(emb.subarray(row * dim, (row + 1) * dim), dim * k++);
    return out;
  };
  return {
    dim,
    images: gather(images, imageEmb),
    imageGroup: Int32Array.from(images.values()),
    texts: gather(texts, textEmb),
    textGroup: Int32Array.from(texts.values()),
  };
}

export function toFloat32(h: ProjectionHeads): ProjectionHeads {
  const c = cloneHeads(h);
  for (const p of headParameters(c))
    if (!(p.data instanceof Float32Array))
      throw new FineTuneError('bad-input', `base head ${p.name} must be Float32Array`);
  return c;
}
