/**
 * The model runtime's task layer (style.md: transformers.js "pipelines"): bundle → tokenizer /
 * preprocessing → sessions → `embedImages`, `embedTexts`, ITM scores. Work is batched; each item
 * gets its own result, so one bad image or caption yields a specific error for that item while the
 * rest of the batch still embeds (DESIGN §8). Returns the projected, L2-normalised embedding (E)
 * and the pre-projection CLS feature (Wv / Wt) that fine-tuning re-projects (spec §4.1).
 */
import { loadBundle, type Bundle, type LoadBundleOptions } from './bundle';
import { aheadOf } from './decode-ahead';
import { ModelError, toModelErrorShape } from './errors';
import { runBatch, type ImageEmbedding, type ItemResult, type TextEmbedding } from './item-result';
import { itmImageTokensOnTexts, itmTextOnImageTokens } from './itm';
import type { GraphName, Manifest } from './manifest';
import { ModelGraphs, imageRow, textRow, type GraphReport } from './model-graphs';
import {
  DEFAULT_DECODE_LIMITS,
  decodeImage,
  describeInput,
  imageSpecOf,
  normaliseInto,
  type DecodeLimits,
  type ImageInput,
  type ImageSpec,
} from './preprocess';
import type { RuntimeSettings, SessionBackend } from './sessions';
import { describeText, encodeCaption, type TextInput } from './text-input';
import { BertTokenizer } from './tokenizer';

export type { GraphReport, ImageEmbedding, ItemResult, TextEmbedding };

export interface EmbedderSettings extends RuntimeSettings {
  /** Items per model run; default 16. */
  batchSize?: number;
  /** Images decoded ahead of inference; default 2 batches. */
  decodeAhead?: number;
  decodeLimits?: Partial<DecodeLimits>;
  bundle?: LoadBundleOptions;
  backend?: SessionBackend;
}

/** The calls shared by the in-thread Embedder and the worker-thread EmbeddingService; type against this. */
export interface EmbeddingApi {
  readonly manifest: Manifest;
  readonly batchSize: number;
  embedImages(
    inputs: readonly ImageInput[],
    options?: { keepTokens?: boolean },
  ): Promise<Array<ItemResult<ImageEmbedding>>>;
  embedPixels(
    pixels: Float32Array,
    count: number,
    options?: { keepTokens?: boolean },
  ): Promise<Array<ItemResult<ImageEmbedding>>>;
  embedTexts(texts: readonly TextInput[]): Promise<Array<ItemResult<TextEmbedding>>>;
  itmTextToImages(text: TextInput, images: readonly ImageInput[]): Promise<Array<ItemResult<number>>>;
  itmImageToTexts(image: ImageInput, texts: readonly TextInput[]): Promise<Array<ItemResult<number>>>;
  itmImageTokensToTexts(tokens: Float32Array, texts: readonly TextInput[]): Promise<Array<ItemResult<number>>>;
  itmLogitsWithImageTokens(text: TextInput, imageTokens: readonly Float32Array[]): Promise<Float32Array>;
  providers(): Promise<Partial<Record<GraphName, GraphReport>>>;
  dispose(): Promise<void>;
}

export class Embedder implements EmbeddingApi {
  readonly batchSize: number;
  readonly spec: ImageSpec;
  private readonly limits: DecodeLimits;
  private readonly graphs: ModelGraphs;

  private constructor(
    readonly bundle: Bundle,
    readonly tokenizer: BertTokenizer,
    private readonly settings: EmbedderSettings,
  ) {
    this.batchSize = Math.max(1, settings.batchSize ?? 16);
    this.spec = imageSpecOf(bundle.manifest);
    this.limits = { ...DEFAULT_DECODE_LIMITS, ...settings.decodeLimits };
    this.graphs = new ModelGraphs(bundle, settings, tokenizer.padId);
  }

  static async open(bundleDir: string, settings: EmbedderSettings = {}): Promise<Embedder> {
    const bundle = await loadBundle(bundleDir, settings.bundle);
    const t = bundle.manifest.text;
    const tokenizer = await BertTokenizer.fromVocabFile(bundle.file(t.vocab), {
      lowercase: t.lowercase,
      stripAccents: t.strip_accents,
      addSep: t.add_sep,
      maxLength: t.max_length,
      specialTokens: t.special_tokens,
    });
    return new Embedder(bundle, tokenizer, settings);
  }

  get manifest(): Manifest {
    return this.bundle.manifest;
  }

  /** Which provider each graph opened so far runs on (graphs open on first use). */
  providers(): Promise<Partial<Record<GraphName, GraphReport>>> {
    return this.graphs.providers();
  }

  /** Image files or bytes → embeddings; decoding runs ahead of inference so the model never waits on it. */
  async embedImages(
    inputs: readonly ImageInput[],
    options: { keepTokens?: boolean } = {},
  ): Promise<Array<ItemResult<ImageEmbedding>>> {
    const results: Array<ItemResult<ImageEmbedding>> = new Array(inputs.length);
    const R = this.spec.resolution;
    const decoded = aheadOf(inputs, this.settings.decodeAhead ?? this.batchSize * 2, async (input, index) => {
      try {
        return { index, rgb: (await decodeImage(input, this.spec, this.limits, describeInput(input, index))).rgb };
      } catch (err) {
        return { index, error: toModelErrorShape(err, 'IMAGE_DECODE') };
      }
    });
    let batch: Array<{ index: number; rgb: Uint8Array }> = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const items = batch;
      batch = [];
      const pixels = new Float32Array(items.length * 3 * R * R);
      items.forEach((item, i) => normaliseInto(item.rgb, this.spec, pixels, i));
      await runBatch(items, results, () => this.vision(pixels, items.length, options.keepTokens ?? false));
    };
    for await (const item of decoded) {
      if ('error' in item) results[item.index] = { ok: false, error: item.error! };
      else {
        batch.push(item);
        if (batch.length >= this.batchSize) await flush();
      }
    }
    await flush();
    return results;
  }

  /**
   * Images already decoded and normalised by the caller (`count` NCHW samples at the bundle's resolution,
   * written with `normaliseInto`): ingest decodes each file once for thumbnails and model input alike
   * (DESIGN §3).
   */
  async embedPixels(
    pixels: Float32Array,
    count: number,
    options: { keepTokens?: boolean } = {},
  ): Promise<Array<ItemResult<ImageEmbedding>>> {
    const plane = 3 * this.spec.resolution ** 2;
    if (pixels.length !== count * plane) {
      const R = this.spec.resolution;
      throw new ModelError('SESSION_INPUT', `embedPixels: expected ${count}×3×${R}×${R} floats, got ${pixels.length}`);
    }
    const results: Array<ItemResult<ImageEmbedding>> = new Array(count);
    for (let start = 0; start < count; start += this.batchSize) {
      const n = Math.min(this.batchSize, count - start);
      const items = Array.from({ length: n }, (_, i) => ({ index: start + i }));
      const data = pixels.subarray(start * plane, (start + n) * plane);
      await runBatch(items, results, () => this.vision(data, n, options.keepTokens ?? false));
    }
    return results;
  }

  async embedTexts(texts: readonly TextInput[]): Promise<Array<ItemResult<TextEmbedding>>> {
    const results: Array<ItemResult<TextEmbedding>> = new Array(texts.length);
    const encoded = this.encodeAll(texts, results);
    for (let start = 0; start < encoded.length; start += this.batchSize) {
      const items = encoded.slice(start, start + this.batchSize);
      await runBatch(items, results, async () => {
        const out = await this.graphs.run('text', this.graphs.textFeeds(items.map((e) => e.ids)));
        return items.map((item, i) => ({ ...textRow(out.text_tokens!, out.text_emb!, i), ids: item.ids }));
      });
    }
    return results;
  }

  /** ITM match logit (class 1, spec §1.9) of one caption against each image. */
  async itmTextToImages(text: TextInput, images: readonly ImageInput[]): Promise<Array<ItemResult<number>>> {
    const ids = encodeCaption(text, this.tokenizer, this.bundle.manifest, describeText(text, 0)).ids;
    const embedded = await this.embedImages(images, { keepTokens: true });
    const results: Array<ItemResult<number>> = new Array(embedded.length);
    const ok: Array<{ index: number; tokens: Float32Array }> = [];
    embedded.forEach((r, index) => (r.ok ? ok.push({ index, tokens: r.value.tokens! }) : (results[index] = r)));
    for (let start = 0; start < ok.length; start += this.batchSize) {
      const items = ok.slice(start, start + this.batchSize);
      await runBatch(items, results, async () => {
        const logits = await itmTextOnImageTokens(
          this.graphs,
          ids,
          items.map((x) => x.tokens),
          this.batchSize,
        );
        return items.map((_, i) => logits[i * 2 + 1]!);
      });
    }
    return results;
  }

  /**
   * Both ITM logits (no-match, match) of one caption against images whose tokens the caller already holds
   * ([Ni × Wv] each, from `embedImages(..., { keepTokens: true })` or a token cache); returns [n × 2].
   * Search re-ranking uses both (softmax) and reuses cached tokens.
   */
  itmLogitsWithImageTokens(text: TextInput, imageTokens: readonly Float32Array[]): Promise<Float32Array> {
    const ids = encodeCaption(text, this.tokenizer, this.bundle.manifest, describeText(text, 0)).ids;
    return itmTextOnImageTokens(this.graphs, ids, imageTokens, this.batchSize);
  }

  /** ITM match logit of one image against each caption. */
  async itmImageToTexts(image: ImageInput, texts: readonly TextInput[]): Promise<Array<ItemResult<number>>> {
    const [img] = await this.embedImages([image], { keepTokens: true });
    if (!img!.ok) throw new ModelError(img!.error.code, img!.error.message);
    return this.itmImageTokensToTexts(img!.value.tokens!, texts);
  }

  /** ITM match logit of one image, given as its tokens [Ni × Wv], against each caption (i2t re-rank). */
  async itmImageTokensToTexts(tokens: Float32Array, texts: readonly TextInput[]): Promise<Array<ItemResult<number>>> {
    const results: Array<ItemResult<number>> = new Array(texts.length);
    const encoded = this.encodeAll(texts, results);
    for (let start = 0; start < encoded.length; start += this.batchSize) {
      const items = encoded.slice(start, start + this.batchSize);
      await runBatch(items, results, () =>
        itmImageTokensOnTexts(
          this.graphs,
          tokens,
          items.map((e) => e.ids),
        ),
      );
    }
    return results;
  }

  dispose(): Promise<void> {
    return this.graphs.dispose();
  }

  private async vision(pixels: Float32Array, n: number, keepTokens: boolean): Promise<ImageEmbedding[]> {
    const R = this.spec.resolution;
    const out = await this.graphs.run('vision', {
      pixel_values: { type: 'float32', data: pixels, dims: [n, 3, R, R] },
    });
    return Array.from({ length: n }, (_, i) => imageRow(out.image_tokens!, out.image_emb!, i, keepTokens));
  }

  /** Token ids of every caption that passes the checks of text-input.ts; the others get their error. */
  private encodeAll<T>(
    texts: readonly TextInput[],
    results: Array<ItemResult<T>>,
  ): Array<{ index: number; ids: number[] }> {
    const encoded: Array<{ index: number; ids: number[] }> = [];
    texts.forEach((text, index) => {
      try {
        encoded.push({
          index,
          ids: encodeCaption(text, this.tokenizer, this.bundle.manifest, describeText(text, index)).ids,
        });
      } catch (err) {
        results[index] = { ok: false, error: toModelErrorShape(err, 'CAPTION_EMPTY') };
      }
    });
    return encoded;
  }
}
