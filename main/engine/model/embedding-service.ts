/**
 * The embedding service: an Embedder in a worker thread so that decoding and inference never block
 * the thread that serves requests (DESIGN §1, §3). Same calls as Embedder, plus dispose().
 * One owner per service; dispose() rejects what is still pending with EMBEDDER_DISPOSED.
 */
import { Worker } from 'node:worker_threads';
import { workerEntryUrl } from '../worker-entry';
import type {
  EmbedderSettings,
  EmbeddingApi,
  GraphReport,
  ImageEmbedding,
  ItemResult,
  TextEmbedding,
} from './embedder';
import type { WorkerInit, WorkerReply } from './embedding-worker';
import { ModelError, type ModelErrorShape } from './errors';
import type { GraphName, Manifest } from './manifest';
import type { ImageInput } from './preprocess';
import type { TextInput } from './text-input';

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export class EmbeddingService implements EmbeddingApi {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  private constructor(
    private readonly worker: Worker,
    readonly manifest: Manifest,
    readonly batchSize: number,
  ) {
    worker.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new ModelError(reply.error.code, reply.error.message));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) =>
      this.failAll(new ModelError('EMBEDDER_DISPOSED', `embedding worker exited (code ${code})`)),
    );
  }

  static async start(bundleDir: string, settings: Omit<EmbedderSettings, 'backend'> = {}): Promise<EmbeddingService> {
    // Source (tsx boot file) or build (out/main/embedding-worker.js): see worker-entry.ts.
    const entry = workerEntryUrl('embedding-worker');
    const worker = new Worker(entry, { workerData: { bundleDir, settings } satisfies WorkerInit });
    const ready = await new Promise<WorkerReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new ModelError('EMBEDDER_DISPOSED', `embedding worker exited during start (code ${code})`)),
      );
    }).catch(async (err) => {
      await worker.terminate();
      throw err;
    });
    if (!ready.ok) {
      await worker.terminate();
      throw new ModelError(ready.error.code, ready.error.message);
    }
    const { manifest, batchSize } = ready.value as { manifest: Manifest; batchSize: number };
    return new EmbeddingService(worker, manifest, batchSize);
  }

  embedImages(
    inputs: readonly ImageInput[],
    options: { keepTokens?: boolean } = {},
  ): Promise<Array<ItemResult<ImageEmbedding>>> {
    return this.call('embedImages', [inputs, options]);
  }

  /** `pixels` is transferred to the worker: the caller must not use it afterwards. */
  embedPixels(
    pixels: Float32Array,
    count: number,
    options: { keepTokens?: boolean } = {},
  ): Promise<Array<ItemResult<ImageEmbedding>>> {
    return this.call('embedPixels', [pixels, count, options], [pixels.buffer as ArrayBuffer]);
  }

  embedTexts(texts: readonly TextInput[]): Promise<Array<ItemResult<TextEmbedding>>> {
    return this.call('embedTexts', [texts]);
  }

  itmTextToImages(text: TextInput, images: readonly ImageInput[]): Promise<Array<ItemResult<number>>> {
    return this.call('itmTextToImages', [text, images]);
  }

  itmImageToTexts(image: ImageInput, texts: readonly TextInput[]): Promise<Array<ItemResult<number>>> {
    return this.call('itmImageToTexts', [image, texts]);
  }

  itmImageTokensToTexts(tokens: Float32Array, texts: readonly TextInput[]): Promise<Array<ItemResult<number>>> {
    return this.call('itmImageTokensToTexts', [tokens, texts]);
  }

  itmLogitsWithImageTokens(text: TextInput, imageTokens: readonly Float32Array[]): Promise<Float32Array> {
    return this.call('itmLogitsWithImageTokens', [text, imageTokens]);
  }

  providers(): Promise<Partial<Record<GraphName, GraphReport>>> {
    return this.call('providers', []);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    const done = this.call('dispose', []).catch(() => undefined);
    this.disposed = true;
    await Promise.race([done, new Promise((r) => setTimeout(r, 5000).unref())]);
    this.failAll(new ModelError('EMBEDDER_DISPOSED', 'embedding service is disposed'));
    await this.worker.terminate();
  }

  private call<T>(method: string, args: unknown[], transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.disposed) return Promise.reject(new ModelError('EMBEDDER_DISPOSED', 'embedding service is disposed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, args }, transfer);
    });
  }

  private failAll(err: unknown): void {
    const error =
      err instanceof ModelError
        ? err
        : new ModelError('EMBEDDER_DISPOSED', `embedding worker failed: ${(err as Error)?.message ?? String(err)}`);
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}

export type { ModelErrorShape };
