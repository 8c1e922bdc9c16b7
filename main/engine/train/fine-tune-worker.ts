/**
 * worker_threads entry for the head fine-tune: the training loop runs here, off the thread that serves
 * requests (DESIGN.md §1). Protocol (structured-clone messages):
 *   parent → worker: { type: 'start', input, options } then optionally { type: 'cancel' }
 *   worker → parent: { type: 'progress', progress }*, then { type: 'done', result } | { type: 'error', error }
 */
import { parentPort } from 'node:worker_threads';
import { fineTuneHeads, type FineTuneInput } from './fine-tune';
import { FineTuneError } from './fine-tune-error';
import type { FineTuneOptions } from './fine-tune-options';

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
      .then((result) => port.postMessage({ type: 'done', result }))
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
