/** Per-item results of the embedder: one bad image or caption fails alone (DESIGN §8). */
import { toModelErrorShape, type ModelErrorShape } from './errors';

export type ItemResult<T> = { ok: true; value: T } | { ok: false; error: ModelErrorShape };

export interface ImageEmbedding {
  /** L2-normalised projection, length embed_dim. */
  emb: Float32Array;
  /** Vision CLS token before the projection, length vision_width. */
  cls: Float32Array;
  /** All image tokens [Ni × Wv], only when asked for (ITM re-rank). */
  tokens?: Float32Array;
}

export interface TextEmbedding {
  emb: Float32Array;
  cls: Float32Array;
  ids: number[];
}

/** Runs one model batch; a failure marks every item of that batch with the error, not the whole call. */
export async function runBatch<T>(
  items: ReadonlyArray<{ index: number }>,
  results: Array<ItemResult<T>>,
  run: () => Promise<T[]>,
): Promise<void> {
  try {
    const values = await run();
    items.forEach((item, i) => (results[item.index] = { ok: true, value: values[i]! }));
  } catch (err) {
    const error = toModelErrorShape(err, 'SESSION_RUN');
    for (const item of items) results[item.index] = { ok: false, error };
  }
}
