/**
 * What search needs from the model runtime (main/engine/model, helper R): an embedding per query and ITM
 * logits for re-ranking. Kept this small so that search is testable with any implementation and the
 * runtime is wired in one adapter (`model-query-encoder.ts`).
 */

/** One image's fusion input: `count` tokens (index 0 = CLS) of `width` floats, row-major. */
export interface ImageTokens {
  data: Float32Array;
  count: number;
  width: number;
}

export interface QueryEncoder {
  /** Name of the model version whose embeddings the library stores (model_versions.name). */
  readonly modelVersion: string;
  readonly embedDim: number;
  /** L2-normalised text embedding (text.onnx `text_emb`), after `pre_caption`. */
  embedText(text: string): Promise<Float32Array>;
  /** L2-normalised image embedding and the image tokens (vision.onnx). Throws for a file that is no image. */
  embedImage(input: string | Uint8Array): Promise<{ embedding: Float32Array; tokens: ImageTokens }>;
  /** ITM logits [n, 2] (class 1 = match) of one text against n images (fusion.onnx `itm_logits`). */
  itmLogits(text: string, images: readonly ImageTokens[]): Promise<Float32Array>;
}
