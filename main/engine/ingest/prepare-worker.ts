/**
 * Worker-thread entry of DecodePool: answers prepare requests with prepare-image.ts, so that the thread serving
 * requests only hashes and commits (DESIGN §1: heavy work off the request thread). Started only by decode-pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { ImageDecodeError } from './image-decode';
import { prepareImage, type PrepareImageRequest, type PreparedImage } from './prepare-image';

export interface PrepareRequest extends PrepareImageRequest {
  id: number;
}

export type PrepareReply = ({ id: number; ok: true } & PreparedImage) | { id: number; ok: false; reason: string };

const port = parentPort;
if (!port) throw new Error('prepare-worker must run in a worker thread');
port.on('message', async (req: PrepareRequest) => {
  try {
    const r = await prepareImage(req);
    const rgb = r.rgb.byteOffset === 0 && r.rgb.byteLength === r.rgb.buffer.byteLength ? r.rgb : r.rgb.slice();
    port.postMessage({ id: req.id, ok: true, ...r, rgb } satisfies PrepareReply, [rgb.buffer as ArrayBuffer]);
  } catch (e) {
    const reason = e instanceof ImageDecodeError ? e.message : `cannot process the image: ${(e as Error).message}`;
    port.postMessage({ id: req.id, ok: false, reason } satisfies PrepareReply);
  }
});
