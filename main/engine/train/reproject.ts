/**
 * Re-projection: a new model version's embeddings for every stored item are norm(heads(CLS feature)) — a
 * matrix product over the cached features, no encoder run (DESIGN.md §3). This is what makes a fine-tune
 * (and a rollback) cost seconds: 10k images + 10k captions at 768→256 is ~4 GMAC.
 *
 * Example: const { images, texts } = reprojectEmbeddings(result.heads, { imageFeatures, imageWidth: 768, ... });
 */
import { type ProjectionHeads, projectRows } from './heads';

export interface CachedFeatures {
  imageFeatures: Float32Array;
  imageWidth: number;
  captionFeatures: Float32Array;
  captionWidth: number;
}

export function reprojectEmbeddings(
  heads: ProjectionHeads,
  f: CachedFeatures,
): { images: Float32Array; texts: Float32Array; dim: number } {
  if (heads.vision.proj.inDim !== f.imageWidth || heads.text.proj.inDim !== f.captionWidth) {
    throw new Error(
      `reprojectEmbeddings: heads take ${heads.vision.proj.inDim}/${heads.text.proj.inDim}-wide features, the cache holds ${f.imageWidth}/${f.captionWidth}`,
    );
  }
  return {
    images: projectRows(heads.vision, f.imageFeatures, f.imageFeatures.length / f.imageWidth),
    texts: projectRows(heads.text, f.captionFeatures, f.captionFeatures.length / f.captionWidth),
    dim: heads.vision.proj.outDim,
  };
}
