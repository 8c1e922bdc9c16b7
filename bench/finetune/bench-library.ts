/**
 * The synthetic library both fine-tune benchmarks measure on (run.ts: the trainer alone; app-path.ts: button →
 * active version): `pairs` pairs in concepts of 4, three styles, no injected noise, 10% held out, seed 3, so
 * the two benchmarks' figures describe the same data.
 */
import { syntheticLibrary, type SyntheticLibrary } from '../../main/engine/train/synthetic-pairs';

export const BENCH_EMBED_DIM = 256;

export function benchLibrary(pairs: number, width: number): SyntheticLibrary {
  return syntheticLibrary({
    concepts: Math.round(pairs / 4),
    pairsPerConcept: 4,
    imageWidth: width,
    textWidth: width,
    embedDim: BENCH_EMBED_DIM,
    latentDim: 64,
    styles: 3,
    hardNoise: 0,
    heldOutFraction: 0.1,
    seed: 3,
  });
}
