/**
 * The three graphs of one bundle (spec §4.1), opened on first use with the provider choice of
 * sessions.ts, plus the feed/row conversions between them and the task layer. One owner: the Embedder.
 */
import type { Bundle } from './bundle';
import { ModelError } from './errors';
import type { ImageEmbedding } from './item-result';
import type { GraphName } from './manifest';
import {
  GraphSession,
  ortBackend,
  type FeedTensor,
  type OutputTensor,
  type ProviderName,
  type RuntimeSettings,
  type SessionBackend,
} from './sessions';

export interface GraphReport {
  provider: ProviderName;
  precision: 'fp16' | 'fp32';
  fallbacks: string[];
}

export class ModelGraphs {
  private readonly graphs = new Map<GraphName, Promise<GraphSession>>();
  private disposed = false;
  /** Image tokens per image (Ni, index 0 = CLS) and their width (Wv). */
  readonly imageTokens: { count: number; width: number };

  constructor(
    private readonly bundle: Bundle,
    private readonly settings: RuntimeSettings & { backend?: SessionBackend },
    private readonly padId: number,
  ) {
    const a = bundle.manifest.architecture;
    this.imageTokens = { count: (a.image_res / a.patch_size) ** 2 + 1, width: a.vision_width };
  }

  async run(name: GraphName, feeds: Record<string, FeedTensor>): Promise<Record<string, OutputTensor>> {
    return (await this.graph(name)).run(feeds);
  }

  /** Which provider each graph opened so far runs on. */
  async providers(): Promise<Partial<Record<GraphName, GraphReport>>> {
    const out: Partial<Record<GraphName, GraphReport>> = {};
    for (const [name, pending] of this.graphs) {
      const g = await pending.catch(() => undefined);
      if (g) out[name] = { provider: g.provider, precision: g.precision, fallbacks: [...g.fallbacks] };
    }
    return out;
  }

  /** input_ids padded with [PAD] to the longest sequence, and the matching attention mask. */
  textFeeds(seqs: number[][]): { input_ids: FeedTensor; attention_mask: FeedTensor } {
    const L = Math.max(...seqs.map((s) => s.length));
    const ids = new BigInt64Array(seqs.length * L).fill(BigInt(this.padId));
    seqs.forEach((s, r) => s.forEach((id, c) => (ids[r * L + c] = BigInt(id))));
    return { input_ids: { type: 'int64', data: ids, dims: [seqs.length, L] }, attention_mask: mask(seqs, L) };
  }

  /** `n` images' tokens as one fusion input [n, Ni, Wv]. */
  imageTokenFeed(data: Float32Array, n: number): FeedTensor {
    return { type: 'float32', data, dims: [n, this.imageTokens.count, this.imageTokens.width] };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const graphs = [...this.graphs.values()];
    this.graphs.clear();
    await Promise.all(graphs.map(async (g) => (await g.catch(() => undefined))?.dispose()));
  }

  private graph(name: GraphName): Promise<GraphSession> {
    if (this.disposed) {
      return Promise.reject(new ModelError('EMBEDDER_DISPOSED', `embedder for ${this.bundle.dir} is disposed`));
    }
    let pending = this.graphs.get(name);
    if (!pending) {
      const files = {
        fp32: this.bundle.graphPath(name, 'fp32'),
        ...(this.bundle.hasFp16 ? { fp16: this.bundle.graphPath(name, 'fp16') } : {}),
      };
      pending = GraphSession.open(name, files, this.settings, this.settings.backend ?? ortBackend);
      this.graphs.set(name, pending);
    }
    return pending;
  }
}

export function mask(seqs: number[][], L: number): FeedTensor {
  const data = new BigInt64Array(seqs.length * L);
  seqs.forEach((s, r) => data.fill(1n, r * L, r * L + s.length));
  return { type: 'int64', data, dims: [seqs.length, L] };
}

/** Row i of the vision outputs: projection, CLS feature, and (optionally) all tokens. */
export function imageRow(tokens: OutputTensor, emb: OutputTensor, i: number, keepTokens: boolean): ImageEmbedding {
  const [, Ni, W] = tokens.dims as [number, number, number];
  const E = emb.dims[1]!;
  const base = i * Ni * W;
  return {
    emb: emb.data.slice(i * E, (i + 1) * E),
    cls: tokens.data.slice(base, base + W),
    ...(keepTokens ? { tokens: tokens.data.slice(base, base + Ni * W) } : {}),
  };
}

/** Row i of the text outputs: projection and CLS feature. */
export function textRow(tokens: OutputTensor, emb: OutputTensor, i: number): { emb: Float32Array; cls: Float32Array } {
  const [, L, W] = tokens.dims as [number, number, number];
  const E = emb.dims[1]!;
  return { emb: emb.data.slice(i * E, (i + 1) * E), cls: tokens.data.slice(i * L * W, i * L * W + W) };
}
