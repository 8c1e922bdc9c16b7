/**
 * worker_threads entry for the head fine-tune: the training loop runs here, off the thread that serves
 * requests (DESIGN.md §1). Protocol (structured-clone messages):
 *   parent → worker: { type: 'start', input, options } then optionally { type: 'cancel' }
 *   worker → parent: { type: 'progress', progress }*, then { type: 'done', result } | { type: 'error', error }
 *   (`result.reprojected`: every image/caption of the input under the new heads)
 */
import { parentPort } from 'node:worker_threads';
import { fineTuneHeads, type FineTuneInput } from './fine-tune';
import { FineTuneError } from './fine-tune-error';
import type { FineTuneOptions } from './fine-tune-options';
import { reprojectEmbeddings } from './reproject';

export type WorkerRequest =
  { type: 'start'; input: FineTuneInput; options: Partial<FineTuneOptions> } | { type: 'cancel' };

const port = parentPort;
if (port) {
  const controller = new AbortController();
  port.on('message', (msg: WorkerRequest) => {
    if (msg.type === 'cancel') {
      controller.abort();
      return;
    }
    fineTuneHeads(msg.input, msg.options, {
      signal: controller.signal,
      onProgress: (progress) => port.postMessage({ type: 'progress', progress }),
    })
      // Re-projection of every stored item (a matmul over all features) also runs here, off the request
      // thread: at 10,000 pairs it is seconds (docs/fine-tune.md "Timing").
      .then((result) =>
        port.postMessage({
          type: 'done',
          result: { ...result, reprojected: reprojectEmbeddings(result.heads, msg.input) },
        }),
      )
      .catch((e: unknown) => {
        const error =
          e instanceof FineTuneError
            ? e.toJSON()
            : {
                name: 'FineTuneError',
                code: 'worker-failed',
                message: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
              };
        port.postMessage({ type: 'error', error });
      });
  });
}
