/**
 * The model runtime's task layer (style.md: transformers.js "pipelines"): bundle → tokenizer /
 * preprocessing → sessions → `embedImages`, `embedTexts`, `itmScores`. Work is batched; each item
 * gets its own result, so one bad image or caption yields a specific error for that item while the
 * rest of the batch still embeds (DESIGN §8). Returns the projected, L2-normalised embedding (E)
 * and the pre-projection CLS feature (Wv / Wt) that fine-tuning re-projects (spec §4.1).
 */
import { loadBundle, type Bundle, type LoadBundleOptions } from './bundle';
import { aheadOf } from './decode-ahead';
import { ModelError, toModelErrorShape, type ModelErrorShape } from './errors';
import type { GraphName } from './manifest';
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
import {
  GraphSession,
  ortBackend,
  type FeedTensor,
  type ProviderName,
  type RuntimeSettings,
  type SessionBackend,
} from './sessions';
import { describeText, encodeCaption, type TextInput } from './text-input';
import { BertTokenizer } from './tokenizer';

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

export interface EmbedderSettings extends RuntimeSettings {
  /** Items per model run; default 16. */
  batchSize?: number;
  /** Images decoded ahead of inference; default 2 batches. */
  decodeAhead?: number;
  decodeLimits?: Partial<DecodeLimits>;
  bundle?: LoadBundleOptions;
  backend?: SessionBackend;
}

export interface GraphReport {
  provider: ProviderName;
  precision: 'fp16' | 'fp32';
  fallbacks: string[];
}

export class Embedder {
  private readonly graphs = new Map<GraphName, Promise<GraphSession>>();
  private disposed = false;
  readonly batchSize: number;
  readonly spec: ImageSpec;
  private readonly limits: DecodeLimits;

  private constructor(
    readonly bundle: Bundle,
    readonly tokenizer: BertTokenizer,
    private readonly settings: EmbedderSettings,
  ) {
    this.batchSize = Math.max(1, settings.batchSize ?? 16);
    this.spec = imageSpecOf(bundle.manifest);
    this.limits = { ...DEFAULT_DECODE_LIMITS, ...settings.decodeLimits };
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

  /** Which provider each graph opened so far runs on (graphs open on first use). */
  async providers(): Promise<Partial<Record<GraphName, GraphReport>>> {
    const out: Partial<Record<GraphName, GraphReport>> = {};
    for (const [name, pending] of this.graphs) {
      const g = await pending.catch(() => undefined);
      if (g) out[name] = { provider: g.provider, precision: g.precision, fallbacks: [...g.fallbacks] };
    }
    return out;
  }

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
      const pixels = new Float32Array(batch.length * 3 * R * R);
      batch.forEach((item, i) => normaliseInto(item.rgb, this.spec, pixels, i));
      const items = batch;
      batch = [];
      await this.runBatch(items, results, async () => {
        const out = await (
          await this.graph('vision')
        ).run({ pixel_values: { type: 'float32', data: pixels, dims: [items.length, 3, R, R] } });
        return items.map((_, i) => imageRow(out.image_tokens!, out.image_emb!, i, options.keepTokens ?? false));
      });
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
   * (DESIGN §3). Added by the ingest owner (I).
   */
  async embedPixels(
    pixels: Float32Array,
    count: number,
    options: { keepTokens?: boolean } = {},
  ): Promise<Array<ItemResult<ImageEmbedding>>> {
    const R = this.spec.resolution;
    if (pixels.length !== count * 3 * R * R) {
      throw new ModelError('SESSION_INPUT', `embedPixels: expected ${count}×3×${R}×${R} floats, got ${pixels.length}`);
    }
    const results: Array<ItemResult<ImageEmbedding>> = new Array(count);
    const plane = 3 * R * R;
    for (let start = 0; start < count; start += this.batchSize) {
      const n = Math.min(this.batchSize, count - start);
      const items = Array.from({ length: n }, (_, i) => ({ index: start + i }));
      const data = pixels.subarray(start * plane, (start + n) * plane);
      await this.runBatch(items, results, async () => {
        const out = await (
          await this.graph('vision')
        ).run({ pixel_values: { type: 'float32', data, dims: [n, 3, R, R] } });
        return items.map((_, i) => imageRow(out.image_tokens!, out.image_emb!, i, options.keepTokens ?? false));
      });
    }
    return results;
  }

  async embedTexts(texts: readonly TextInput[]): Promise<Array<ItemResult<TextEmbedding>>> {
    const results: Array<ItemResult<TextEmbedding>> = new Array(texts.length);
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
    for (let start = 0; start < encoded.length; start += this.batchSize) {
      const items = encoded.slice(start, start + this.batchSize);
      await this.runBatch(items, results, async () => {
        const out = await (await this.graph('text')).run(this.textFeeds(items.map((e) => e.ids)));
        const L = out.text_tokens!.dims[1]!;
        return items.map((item, i) => ({ ...textRow(out.text_tokens!, out.text_emb!, i, L), ids: item.ids }));
      });
    }
    return results;
  }

  /** ITM match logit (class 1, spec §1.9) of one caption against each image. */
  async itmTextToImages(text: TextInput, images: readonly ImageInput[]): Promise<Array<ItemResult<number>>> {
    const ids = encodeCaption(text, this.tokenizer, this.bundle.manifest, describeText(text, 0)).ids;
    const textOut = await (await this.graph('text')).run(this.textFeeds([ids]));
    const embedded = await this.embedImages(images, { keepTokens: true });
    return this.fuse(embedded, (tokens, n) => ({
      text_tokens: { type: 'float32', data: textOut.text_tokens!.data, dims: textOut.text_tokens!.dims },
      text_attention_mask: mask([ids], ids.length),
      image_tokens: {
        type: 'float32',
        data: tokens,
        dims: [n, this.imageTokenCount(), this.bundle.manifest.architecture.vision_width],
      },
    }));
  }

  /**
   * Both ITM logits (no-match, match) of one caption against images whose tokens the caller already holds
   * ([Ni × Wv] each, from `embedImages(..., { keepTokens: true })` or a token cache); returns [n × 2].
   * Search re-ranking needs both to turn them into a probability (softmax) and reuses cached tokens.
   * Added by S (search) as a small public entry over the existing private helpers.
   */
  async itmLogitsWithImageTokens(text: TextInput, imageTokens: readonly Float32Array[]): Promise<Float32Array> {
    const ids = encodeCaption(text, this.tokenizer, this.bundle.manifest, describeText(text, 0)).ids;
    const textOut = await (await this.graph('text')).run(this.textFeeds([ids]));
    const Ni = this.imageTokenCount();
    const Wv = this.bundle.manifest.architecture.vision_width;
    const out = new Float32Array(imageTokens.length * 2);
    for (let start = 0; start < imageTokens.length; start += this.batchSize) {
      const items = imageTokens.slice(start, start + this.batchSize);
      const tokens = new Float32Array(items.length * Ni * Wv);
      items.forEach((t, i) => {
        if (t.length !== Ni * Wv)
          throw new ModelError('SESSION_RUN', `image tokens ${start + i}: ${t.length} values, expected ${Ni}×${Wv}`);
        tokens.set(t, i * Ni * Wv);
      });
      const fused = await (
        await this.graph('fusion')
      ).run({
        text_tokens: { type: 'float32', data: textOut.text_tokens!.data, dims: textOut.text_tokens!.dims },
        text_attention_mask: mask([ids], ids.length),
        image_tokens: { type: 'float32', data: tokens, dims: [items.length, Ni, Wv] },
      });
      out.set(fused.itm_logits!.data.subarray(0, items.length * 2), start * 2);
    }
    return out;
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
    for (let start = 0; start < encoded.length; start += this.batchSize) {
      const items = encoded.slice(start, start + this.batchSize);
      await this.runBatch(items, results, async () => {
        const feeds = this.textFeeds(items.map((e) => e.ids));
        const textOut = await (await this.graph('text')).run(feeds);
        const fused = await (
          await this.graph('fusion')
        ).run({
          text_tokens: { type: 'float32', data: textOut.text_tokens!.data, dims: textOut.text_tokens!.dims },
          text_attention_mask: feeds.attention_mask!,
          image_tokens: {
            type: 'float32',
            data: tokens,
            dims: [1, this.imageTokenCount(), this.bundle.manifest.architecture.vision_width],
          },
        });
        return items.map((_, i) => fused.itm_logits!.data[i * 2 + 1]!);
      });
    }
    return results;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const graphs = [...this.graphs.values()];
    this.graphs.clear();
    await Promise.all(graphs.map(async (g) => (await g.catch(() => undefined))?.dispose()));
  }

  private imageTokenCount(): number {
    const a = this.bundle.manifest.architecture;
    return (a.image_res / a.patch_size) ** 2 + 1;
  }

  private async fuse(
    embedded: Array<ItemResult<ImageEmbedding>>,
    feeds: (tokens: Float32Array, n: number) => Record<string, FeedTensor>,
  ): Promise<Array<ItemResult<number>>> {
    const results: Array<ItemResult<number>> = new Array(embedded.length);
    const ok: Array<{ index: number; tokens: Float32Array }> = [];
    embedded.forEach((r, index) => (r.ok ? ok.push({ index, tokens: r.value.tokens! }) : (results[index] = r)));
    for (let start = 0; start < ok.length; start += this.batchSize) {
      const items = ok.slice(start, start + this.batchSize);
      const size = items[0]!.tokens.length;
      const tokens = new Float32Array(items.length * size);
      items.forEach((item, i) => tokens.set(item.tokens, i * size));
      await this.runBatch(items, results, async () => {
        const out = await (await this.graph('fusion')).run(feeds(tokens, items.length));
        return items.map((_, i) => out.itm_logits!.data[i * 2 + 1]!);
      });
    }
    return results;
  }

  private textFeeds(seqs: number[][]): Record<string, FeedTensor> {
    const L = Math.max(...seqs.map((s) => s.length));
    const ids = new BigInt64Array(seqs.length * L).fill(BigInt(this.tokenizer.padId));
    seqs.forEach((s, r) => s.forEach((id, c) => (ids[r * L + c] = BigInt(id))));
    return { input_ids: { type: 'int64', data: ids, dims: [seqs.length, L] }, attention_mask: mask(seqs, L) };
  }

  /** Runs one model batch; a failure marks every item of the batch with the error, not the whole call. */
  private async runBatch<T>(
    items: Array<{ index: number }>,
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

  private graph(name: GraphName): Promise<GraphSession> {
    if (this.disposed)
      return Promise.reject(new ModelError('EMBEDDER_DISPOSED', `embedder for ${this.bundle.dir} is disposed`));
    let pending = this.graphs.get(name);
    if (!pending) {
      const m = this.bundle.manifest;
      const files = {
        fp32: this.bundle.graphPath(name, 'fp32'),
        ...(m.graphs_fp16 ? { fp16: this.bundle.graphPath(name, 'fp16') } : {}),
      };
      pending = GraphSession.open(name, files, this.settings, this.settings.backend ?? ortBackend);
      this.graphs.set(name, pending);
    }
    return pending;
  }
}

function mask(seqs: number[][], L: number): FeedTensor {
  const data = new BigInt64Array(seqs.length * L);
  seqs.forEach((s, r) => data.fill(1n, r * L, r * L + s.length));
  return { type: 'int64', data, dims: [seqs.length, L] };
}

function imageRow(
  tokens: { data: Float32Array; dims: readonly number[] },
  emb: { data: Float32Array; dims: readonly number[] },
  i: number,
  keepTokens: boolean,
): ImageEmbedding {
  const [, Ni, W] = tokens.dims as [number, number, number];
  const E = emb.dims[1]!;
  const base = i * Ni * W;
  return {
    emb: emb.data.slice(i * E, (i + 1) * E),
    cls: tokens.data.slice(base, base + W),
    ...(keepTokens ? { tokens: tokens.data.slice(base, base + Ni * W) } : {}),
  };
}

function textRow(
  tokens: { data: Float32Array; dims: readonly number[] },
  emb: { data: Float32Array; dims: readonly number[] },
  i: number,
  L: number,
) {
  const W = tokens.dims[2]!;
  const E = emb.dims[1]!;
  return { emb: emb.data.slice(i * E, (i + 1) * E), cls: tokens.data.slice(i * L * W, i * L * W + W) };
}
