/**
 * Worker-thread side of EmbeddingService: owns one Embedder and answers calls by name. Float32Array
 * results are transferred, not copied. Started only by embedding-service.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Embedder, type EmbedderSettings } from './embedder';
import { toModelErrorShape } from './errors';

export interface WorkerInit {
  bundleDir: string;
  settings: Omit<EmbedderSettings, 'backend'>;
}
export type WorkerRequest = { id: number; method: string; args: unknown[] };
export type WorkerReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ReturnType<typeof toModelErrorShape> };

const CALLABLE = new Set([
  'embedImages',
  'embedPixels',
  'embedTexts',
  'itmTextToImages',
  'itmImageToTexts',
  'itmImageTokensToTexts',
  'itmLogitsWithImageTokens',
  'providers',
]);

async function serve(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('embedding-worker must run in a worker thread');
  const init = workerData as WorkerInit;
  let embedder: Embedder;
  try {
    embedder = await Embedder.open(init.bundleDir, init.settings);
  } catch (err) {
    port.postMessage({
      id: 0,
      ok: false,
      error: toModelErrorShape(err, 'BUNDLE_MANIFEST_INVALID'),
    } satisfies WorkerReply);
    return;
  }
  port.postMessage({
    id: 0,
    ok: true,
    value: { manifest: embedder.bundle.manifest, batchSize: embedder.batchSize },
  } satisfies WorkerReply);

  port.on('message', async (msg: WorkerRequest | { id: number; method: 'dispose' }) => {
    if (msg.method === 'dispose') {
      await embedder.dispose();
      port.postMessage({ id: msg.id, ok: true, value: null } satisfies WorkerReply);
      port.close();
      return;
    }
    const { id, method, args } = msg as WorkerRequest;
    try {
      if (!CALLABLE.has(method)) throw new Error(`unknown method ${method}`);
      const fn = (embedder as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!;
      const value = await fn.apply(embedder, args);
      port.postMessage({ id, ok: true, value } satisfies WorkerReply, transferables(value));
    } catch (err) {
      port.postMessage({ id, ok: false, error: toModelErrorShape(err, 'SESSION_RUN') } satisfies WorkerReply);
    }
  });
}

/** Buffers of every Float32Array in a result (each result owns its arrays: they are slices). */
function transferables(value: unknown, out: ArrayBuffer[] = [], seen = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (value instanceof Float32Array) {
    const buf = value.buffer as ArrayBuffer;
    if (!seen.has(buf) && value.byteOffset === 0 && value.byteLength === buf.byteLength) {
      seen.add(buf);
      out.push(buf);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) transferables(v, out, seen);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) transferables(v, out, seen);
  }
  return out;
}

void serve();
