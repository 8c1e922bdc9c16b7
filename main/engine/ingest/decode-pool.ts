/**
 * A small pool of worker threads that decode images, write thumbnails and resample model pixels (prepare-worker.ts),
 * so that an import does not stall the thread that serves the UI. The file bytes are transferred, not copied.
 * One owner (LibraryIngest); dispose() terminates the workers and fails what is pending.
 *
 * @example const pool = new DecodePool(2); const r = await pool.prepare({ bytes, format, hash, spec, limits, thumbsRoot });
 */
import { Worker } from 'node:worker_threads';
import { workerEntryUrl } from '../worker-entry';
import type { PrepareImageRequest, PreparedImage } from './prepare-image';
import type { PrepareReply, PrepareRequest } from './prepare-worker';

type Request = PrepareImageRequest;
type Success = PreparedImage;

export class DecodePool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (r: Success | { failed: string }) => void; reject: (e: Error) => void; slot: number }
  >();
  private nextId = 1;
  private disposed = false;

  constructor(readonly size: number) {
    // Source (tsx boot file) or build (out/main/prepare-worker.js): see worker-entry.ts.
    const entry = workerEntryUrl('prepare-worker');
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = new Worker(entry);
      worker.unref();
      worker.on('message', (reply: PrepareReply) => this.settle(reply));
      worker.on('error', (e) => this.failSlot(i, e));
      this.workers.push({ worker, busy: 0 });
    }
  }

  /** Resolves with the prepared image, or `{ failed: reason }` for a bad image; rejects only if the pool breaks. */
  prepare(request: Request): Promise<Success | { failed: string }> {
    if (this.disposed) return Promise.reject(new Error('decode pool is disposed'));
    const slot = this.workers.reduce((best, w, i) => (w.busy < this.workers[best]!.busy ? i : best), 0);
    const id = this.nextId++;
    this.workers[slot]!.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      const bytes = request.bytes;
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      const sent = own ? bytes : bytes.slice();
      this.workers[slot]!.worker.postMessage({ ...request, bytes: sent, id } satisfies PrepareRequest, [
        sent.buffer as ArrayBuffer,
      ]);
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const [id, p] of this.pending) {
      p.reject(new Error('decode pool is disposed'));
      this.pending.delete(id);
    }
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private settle(reply: PrepareReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    this.workers[p.slot]!.busy--;
    if (reply.ok) p.resolve({ width: reply.width, height: reply.height, exif: reply.exif, rgb: reply.rgb });
    else p.resolve({ failed: reply.reason });
  }

  private failSlot(slot: number, e: Error): void {
    for (const [id, p] of this.pending) {
      if (p.slot !== slot) continue;
      this.pending.delete(id);
      p.reject(new Error(`decode worker failed: ${e.message}`));
    }
  }
}
