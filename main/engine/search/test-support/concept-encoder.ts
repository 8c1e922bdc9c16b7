import sharp from 'sharp';
import { normalise } from '../../vector/exact-search';
import { randomUnitVector, rng } from '../../store/test-support/seed';
import type { ImageTokens, QueryEncoder } from '../query-encoder';

/**
 * A test QueryEncoder over a synthetic embedding space: each concept word has a fixed random unit vector;
 * a text embeds as the normalised sum of its concepts; an image file embeds as the concept registered for
 * it, but only after sharp has really decoded it (a non-image fails as it would in the runtime). ITM logits
 * grow with the cosine of text and image, like a trained head's margin. It stands in for helper R's runtime
 * in plumbing tests only.
 */
export class ConceptEncoder implements QueryEncoder {
  readonly modelVersion = 'concept@1';
  readonly concepts = new Map<string, Float32Array>();
  readonly imageConcepts = new Map<string, string>();
  imageEncodes = 0;

  constructor(
    readonly embedDim: number,
    words: readonly string[],
    seed = 7,
  ) {
    const next = rng(seed);
    for (const w of words) this.concepts.set(w, randomUnitVector(embedDim, next));
  }

  vectorOf(text: string): Float32Array {
    const sum = new Float32Array(this.embedDim);
    for (const w of text.toLowerCase().split(/\W+/)) {
      const v = this.concepts.get(w);
      if (v) for (let i = 0; i < sum.length; i++) sum[i]! += v[i]!;
    }
    return normalise(sum);
  }

  async embedText(text: string): Promise<Float32Array> {
    return this.vectorOf(text);
  }

  async embedImage(input: string | Uint8Array): Promise<{ embedding: Float32Array; tokens: ImageTokens }> {
    await sharp(input).stats(); // throws for anything that is not a decodable image
    this.imageEncodes++;
    const concept = typeof input === 'string' ? (this.imageConcepts.get(input) ?? '') : '';
    const embedding = this.vectorOf(concept);
    // "Tokens": CLS = the embedding, one more token; enough for the fusion stand-in below.
    const data = new Float32Array(2 * this.embedDim);
    data.set(embedding, 0);
    return { embedding, tokens: { data, count: 2, width: this.embedDim } };
  }

  async itmLogits(text: string, images: readonly ImageTokens[]): Promise<Float32Array> {
    const t = this.vectorOf(text);
    const out = new Float32Array(images.length * 2);
    images.forEach((img, i) => {
      let cos = 0;
      for (let d = 0; d < this.embedDim; d++) cos += t[d]! * img.data[d]!;
      out[2 * i] = 0;
      out[2 * i + 1] = 12 * (cos - 0.5);
    });
    return out;
  }
}
