/**
 * What ingest needs from the model runtime: the image spec of the bundle and a batch call on ready pixels
 * (the decode happened here, once, for thumbnails and model input alike — DESIGN §3). The runtime's
 * embedder (main/engine/model/, running in its worker) is adapted to this in model-adapter.ts; tests may
 * pass the tiny random-weight bundle through the same adapter.
 */
import type { ImageSpec } from '../model/preprocess';

export interface EmbeddingBatch {
  /** L2-normalised projected embeddings (DESIGN §3: 256-d for the real bundles). */
  embeddings: Float32Array[];
  /** CLS features kept for re-projection after fine-tuning (768-d for the real bundles). */
  features: Float32Array[];
}

export interface IngestModel {
  /** Model version name stored in the library (the bundle's name, or a fine-tuned version). */
  readonly name: string;
  readonly bundleSha256: string | null;
  readonly embedDim: number;
  readonly featureDim: number;
  readonly imageSpec: ImageSpec;
  /** `pixels` holds `count` normalised NCHW images of imageSpec.resolution. */
  embedImagePixels(pixels: Float32Array, count: number): Promise<EmbeddingBatch>;
  /** Captions of imported pairs; optional (without it, pairs get no text vectors until re-embedded). */
  embedTexts?(texts: string[]): Promise<EmbeddingBatch>;
}

/** The HNSW side of ingest: labels are embedding row ids (store/vector-queries.ts). */
export interface IngestIndex {
  add(label: number, vector: Float32Array): void;
  delete(label: number): boolean;
}
