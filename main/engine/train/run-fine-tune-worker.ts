/**
 * Runs a fine-tune in a worker thread and owns that worker: it is terminated when the run settles, whether
 * it finished, failed or was cancelled. A TypeScript entry (tests, CLI under tsx) is started through a
 * two-line bootstrap that registers tsx's ESM loader inside the worker first — `execArgv: ['--import', 'tsx']`
 * alone did not reach the worker's entry module under Node 20 here ("Unknown file extension .ts").
 * The default entry (worker-entry.ts) is its tsx boot file from source, or the bundled .js in a build; both get a
 * plain Worker. A custom TypeScript `workerUrl` goes through the bootstrap below.
 *
 * Example:
 *   const result = await runFineTuneInWorker(input, { epochs: 5 }, { onProgress, signal });
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { workerEntryUrl } from '../worker-entry';
import type { FineTuneHooks, FineTuneInput, FineTuneProgress, FineTuneResult } from './fine-tune';
import { FineTuneError, type FineTuneErrorCode } from './fine-tune-error';
import type { FineTuneOptions } from './fine-tune-options';

type WorkerReply =
  | { type: 'progress'; progress: FineTuneProgress }
  | { type: 'done'; result: FineTuneResult }
  | { type: 'error'; error: { code: FineTuneErrorCode; message: string } };

export interface WorkerLaunch {
  /** Worker entry; defaults to fine-tune-worker (worker-entry.ts). */
  workerUrl?: URL;
}

/** Eval'd CommonJS bootstrap: register tsx, then import the real entry (both URLs come in workerData). */
const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then((api) => { api.register(); return import(workerData.entry); });
`;

function startWorker(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  // The ESM build of tsx's API (its CJS build fails to load its own ESM half when imported from a worker).
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const tsxApi = new URL(pkg.exports['./esm/api']!.import.default, pathToFileURL(pkgPath)).href;
  return new Worker(TS_BOOTSTRAP, { eval: true, workerData: { tsxApi, entry: url.href } });
}

export function runFineTuneInWorker(
  input: FineTuneInput,
  options: Partial<FineTuneOptions> = {},
  hooks: FineTuneHooks = {},
  launch: WorkerLaunch = {},
): Promise<FineTuneResult> {
  // Source (tsx boot file) or build (out/main/fine-tune-worker.js): see worker-entry.ts.
  const url = launch.workerUrl ?? workerEntryUrl('fine-tune-worker');
  return new Promise<FineTuneResult>((resolve, reject) => {
    if (hooks.signal?.aborted) {
      reject(
        new FineTuneError(
          'cancelled',
          'Fine-tune cancelled before it started; the current model version is unchanged.',
        ),
      );
      return;
    }
    const worker = startWorker(url);
    let settled = false;
    const onAbort = () => worker.postMessage({ type: 'cancel' });
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      hooks.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      f();
    };
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: WorkerReply) => {
      if (msg.type === 'progress') hooks.onProgress?.(msg.progress);
      else if (msg.type === 'done') finish(() => resolve(msg.result));
      else finish(() => reject(new FineTuneError(msg.error.code, msg.error.message)));
    });
    worker.on('error', (e) =>
      finish(() => reject(new FineTuneError('worker-failed', `fine-tune worker crashed: ${e.message}`))),
    );
    worker.on('exit', (code) =>
      finish(() =>
        reject(new FineTuneError('worker-failed', `fine-tune worker exited with code ${code} before finishing`)),
      ),
    );
    worker.postMessage({ type: 'start', input, options });
  });
}
