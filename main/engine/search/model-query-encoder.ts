import type { EmbeddingApi } from '../model/embedder';
import type { ImageTokens, QueryEncoder } from './query-encoder';

/**
 * What a query needs from the model runtime (main/engine/model, helper R). Both the in-process `Embedder` and the
 * worker-thread `EmbeddingService` offer it; the app passes the service, so that encoding a query (text graph,
 * or decode + vision graph for a dropped photo, and the fusion graph when re-ranking) never runs on the thread
 * that serves requests (DESIGN.md §1, §3).
 */
export type QueryModel = Pick<EmbeddingApi, 'manifest' | 'embedTexts' | 'embedImages' | 'itmLogitsWithImageTokens'>;

/**
 * QueryEncoder over the model runtime: one query at a time, the runtime's per-item errors turned into thrown
 * errors carrying its message (file and reason).
 */
export class ModelQueryEncoder implements QueryEncoder {
  readonly embedDim: number;
  private readonly tokenCount: number;
  private readonly tokenWidth: number;

  constructor(
    private readonly embedder: QueryModel,
    readonly modelVersion: string,
  ) {
    const a = embedder.manifest.architecture;
    this.embedDim = a.embed_dim;
    this.tokenCount = (a.image_res / a.patch_size) ** 2 + 1;
    this.tokenWidth = a.vision_width;
  }

  async embedText(text: string): Promise<Float32Array> {
    const [r] = await this.embedder.embedTexts([text]);
    if (!r!.ok) throw Object.assign(new Error(r!.error.message), { code: r!.error.code });
    return r!.value.emb;
  }

  async embedImage(input: string | Uint8Array): Promise<{ embedding: Float32Array; tokens: ImageTokens }> {
    const [r] = await this.embedder.embedImages([input], { keepTokens: true });
    if (!r!.ok) throw Object.assign(new Error(r!.error.message), { code: r!.error.code });
    return {
      embedding: r!.value.emb,
      tokens: { data: r!.value.tokens!, count: this.tokenCount, width: this.tokenWidth },
    };
  }

  itmLogits(text: string, images: readonly ImageTokens[]): Promise<Float32Array> {
    return this.embedder.itmLogitsWithImageTokens(
      text,
      images.map((t) => t.data),
    );
  }
}
