/**
 * Synthetic cached features with planted structure, for the trainer's tests and bench/finetune: G concepts
 * with a latent vector each; every pair has its own image and caption CLS feature, a noisy linear image of
 * its concept's latent plus a per-"style" offset (a nuisance the base heads pass through). The base heads
 * recover the latent only partly (a random mix added to the true alignment), so a fine-tune has something
 * measurable to learn. `hardNoise` re-captions a fraction of the training pairs with the caption of a
 * *neighbouring* concept (the analogue of datasets.md "hard" noise: red apple → green apple).
 */
import type { CuratedPair } from './curated-pairs';
import type { ProjectionHeads } from './heads';
import { splitByGroup } from './held-out-split';
import { gaussian, mulberry32, shuffleInPlace } from './rng';

export interface SyntheticOptions {
  concepts: number;
  pairsPerConcept: number;
  imageWidth: number;
  textWidth: number;
  embedDim: number;
  latentDim: number;
  styles: number;
  /** Fraction of training pairs whose caption is swapped for a neighbouring concept's (noisy flag kept). */
  hardNoise: number;
  /** 'hard' (default): the neighbouring concept's caption; 'swap': a random other concept's caption. */
  noiseMode?: 'hard' | 'swap';
  /**
   * Size of the random (wrong) part of the base heads relative to the true alignment: 2.5 gives a poor
   * base (a few % R@1), below 1 a decent one — KD's value depends on how good its teacher is.
   */
  baseJunk?: number;
  /** The trainer's held-out fraction: those groups stay clean (noise goes on the training split only). */
  heldOutFraction: number;
  seed: number;
}

export interface SyntheticLibrary {
  imageFeatures: Float32Array;
  captionFeatures: Float32Array;
  pairs: CuratedPair[];
  /** true where the caption was swapped. */
  noisy: boolean[];
  /** The caption each pair had before noise (its own caption row). */
  cleanCaptionIndex: number[];
  /**
   * A clean test gallery in a style never seen in training (the analogue of the Fluent 3D test style):
   * one image and one caption per concept, group = concept index.
   */
  test: { imageFeatures: Float32Array; captionFeatures: Float32Array; group: Int32Array };
  base: ProjectionHeads;
}

function randn(n: number, r: () => number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = gaussian(r) * scale;
  return a;
}

export function syntheticLibrary(o: SyntheticOptions): SyntheticLibrary {
  const r = mulberry32(o.seed);
  const { concepts: G, latentDim: d, imageWidth: WV, textWidth: WT, embedDim: E } = o;
  // Concept latents come in pairs of neighbours (z, z + small) so that hard noise is genuinely confusable.
  const latent = new Float32Array(G * d);
  for (let g = 0; g < G; g++) {
    for (let j = 0; j < d; j++)
      latent[g * d + j] = g % 2 === 1 ? latent[(g - 1) * d + j]! + gaussian(r) * 0.5 : gaussian(r);
  }
  const mixV = randn(WV * d, r, 1 / Math.sqrt(d));
  const mixT = randn(WT * d, r, 1 / Math.sqrt(d));
  const styleV = randn((o.styles + 1) * WV, r, 1.2); // the last style is the unseen test style
  const N = G * o.pairsPerConcept;
  const imageFeatures = new Float32Array(N * WV);
  const captionFeatures = new Float32Array(N * WT);
  const pairs: CuratedPair[] = [];
  const lift = (mix: Float32Array, W: number, z: Float32Array, out: Float32Array, off: number, noise: number) => {
    for (let i = 0; i < W; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += mix[i * d + j]! * z[j]!;
      out[off + i] = s + gaussian(r) * noise;
    }
  };
  const z = new Float32Array(d);
  for (let g = 0; g < G; g++) {
    for (let k = 0; k < o.pairsPerConcept; k++) {
      const n = pairs.length;
      for (let j = 0; j < d; j++) z[j] = latent[g * d + j]! + gaussian(r) * 0.6;
      lift(mixV, WV, z, imageFeatures, n * WV, 0.5);
      const style = n % o.styles;
      for (let i = 0; i < WV; i++) imageFeatures[n * WV + i] = imageFeatures[n * WV + i]! + styleV[style * WV + i]!;
      for (let j = 0; j < d; j++) z[j] = latent[g * d + j]! + gaussian(r) * 0.6;
      lift(mixT, WT, z, captionFeatures, n * WT, 0.5);
      pairs.push({ imageIndex: n, captionIndex: n, group: `c${g}`, state: 'unreviewed' });
    }
  }
  // Base heads: a shared random map U of the latent, read through each tower's mixing matrix, plus a random
  // part of comparable size that also passes the style offsets — a plausible but imperfect pre-trained head.
  const U = randn(E * d, r, 1 / Math.sqrt(d));
  const head = (mix: Float32Array, W: number, truth: number, junk: number) => {
    const w = randn(E * W, r, junk / Math.sqrt(W));
    for (let e = 0; e < E; e++) {
      for (let i = 0; i < W; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += U[e * d + j]! * mix[i * d + j]!;
        w[e * W + i] = w[e * W + i]! + (truth * s * d) / W;
      }
    }
    return { weight: w, bias: new Float32Array(E), inDim: W, outDim: E };
  };
  const base: ProjectionHeads = {
    vision: { adapter: null, proj: head(mixV, WV, 1, o.baseJunk ?? 2.5) },
    text: { adapter: null, proj: head(mixT, WT, 1, o.baseJunk ?? 2.5) },
    temp: Float32Array.of(0.07),
  };
  const test = {
    imageFeatures: new Float32Array(G * WV),
    captionFeatures: new Float32Array(G * WT),
    group: new Int32Array(G),
  };
  for (let g = 0; g < G; g++) {
    for (let j = 0; j < d; j++) z[j] = latent[g * d + j]! + gaussian(r) * 0.6;
    lift(mixV, WV, z, test.imageFeatures, g * WV, 0.5);
    for (let i = 0; i < WV; i++)
      test.imageFeatures[g * WV + i] = test.imageFeatures[g * WV + i]! + styleV[o.styles * WV + i]!;
    for (let j = 0; j < d; j++) z[j] = latent[g * d + j]! + gaussian(r) * 0.6;
    lift(mixT, WT, z, test.captionFeatures, g * WT, 0.5);
    test.group[g] = g;
  }
  const cleanCaptionIndex = pairs.map((p) => p.captionIndex);
  const noisy = new Array<boolean>(N).fill(false);
  if (o.hardNoise > 0) {
    const idx = splitByGroup(pairs, o.heldOutFraction, 2).train;
    shuffleInPlace(idx, r);
    for (const i of idx.slice(0, Math.round(o.hardNoise * idx.length))) {
      const g = Math.floor(i / o.pairsPerConcept);
      let neighbour = g % 2 === 0 ? Math.min(G - 1, g + 1) : g - 1;
      if (o.noiseMode === 'swap') neighbour = (g + 1 + Math.floor(r() * (G - 1))) % G;
      // the neighbour's caption with the same slot: a real caption of another concept
      pairs[i] = { ...pairs[i]!, captionIndex: neighbour * o.pairsPerConcept + (i % o.pairsPerConcept) };
      noisy[i] = true;
    }
  }
  return { imageFeatures, captionFeatures, pairs, noisy, cleanCaptionIndex, test, base };
}
