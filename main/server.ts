/**
 * The browser host (DESIGN.md §2, §8): the contract over HTTP + WebSocket on 127.0.0.1, plus the built renderer.
 *
 *   POST /api/<method>   body = JSON input → JSON `ApiResult` (status 200, or the error's HTTP status)
 *   GET  /events         WebSocket upgrade; the server pushes `{ type: 'event', name, payload }` frames
 *   GET  /media/<grid|lightbox|original>/<id>   a photo of the open library (thumbnail or original), resolved by
 *                        `mediaFiles` from its id — never from a path in the URL (DESIGN.md §8)
 *   GET  /, /assets/...  files of the built renderer (out/renderer), never anything outside that folder
 *
 * Every request and socket needs the per-launch token (see server/auth.ts), else 401. Requests whose Host header
 * is not this loopback address are refused with 403 (DNS-rebinding defence). A bad request never stops the host.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { ApiError, type ApiResult, httpStatusOf } from './api';
import type { ApiDispatcher } from './api-binding';
import { HEADER_ONLY_CSP, RENDERER_CSP } from './csp';
import type { EventHub } from './event-hub';
import { assertUsableToken, cookieNameFor, findToken, tokensMatch } from './server/auth';
import { type MediaFileResolver, type MediaVariant, parseMediaRoute } from './server/media-route';
import { lookupStaticFile } from './server/static-files';

export const LOOPBACK_HOST = '127.0.0.1';
/** Default request body limit: a dropped photo travels base64 in `search.query` (≤ 48 MiB decoded, ~64 MiB encoded). */
export const DEFAULT_MAX_BODY_BYTES = 80 * 1024 * 1024;
/** A socket this far behind is closed rather than buffering without bound. */
const MAX_SOCKET_BUFFER_BYTES = 8 * 1024 * 1024;

export interface BrowserHostOptions {
  /** Must be 127.0.0.1; anything else is refused. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  token: string;
  /** Folder with the built renderer (index.html + assets). */
  rendererRoot: string;
  dispatcher: ApiDispatcher;
  events: EventHub;
  /** Bodies above this get 413 (default DEFAULT_MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  /** Resolves `/media/<variant>/<id>` to a file inside the library's roots or cache, or null (404). */
  mediaFiles?: MediaFileResolver;
}

export type { MediaFileResolver };

export interface BrowserHost {
  readonly port: number;
  /** The URL a person opens: includes the token. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * @example
 * const host = await startBrowserHost({ port: 0, token: newToken(), rendererRoot: 'out/renderer', dispatcher, events });
 * console.log(host.url); // http://127.0.0.1:41234/?token=...
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const host = options.host ?? LOOPBACK_HOST;
  assertLoopbackHost(host);
  assertUsableToken(options.token);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const sockets = new Set<WebSocket>();
  const connections = new Set<Socket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  let port = 0;
  const hostHeaders = () => new Set([`${LOOPBACK_HOST}:${port}`, `localhost:${port}`]);

  const server: Server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      console.error('pairscope: request failed', error);
      if (!res.headersSent) sendJson(res, 500, failure('internal', 'the browser host failed to answer'));
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  server.on('clientError', (_error, socket) => {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${LOOPBACK_HOST}:${port}`);
    if (!hostHeaders().has(req.headers.host ?? '')) {
      sendJson(res, 403, failure('forbidden', `Host header "${req.headers.host ?? ''}" is not this browser host`));
      return;
    }
    const found = findToken(req, url, cookieNameFor(port));
    if (!found || !tokensMatch(options.token, found.token)) {
      const message = found ? 'the token is wrong' : 'a token is required (open the URL printed at start)';
      sendJson(res, 401, failure('unauthorized', message));
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      await handleApiCall(req, res, url.pathname.slice('/api/'.length));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, failure('method_not_allowed', `${req.method ?? '?'} is not allowed on ${url.pathname}`));
      return;
    }
    const media = parseMediaRoute(url.pathname);
    if (media) {
      await serveMedia(req, res, media.variant, media.mediaId);
      return;
    }
    await serveStatic(req, res, url, found.source === 'query');
  }

  async function serveMedia(
    req: IncomingMessage,
    res: ServerResponse,
    variant: MediaVariant,
    mediaId: number,
  ): Promise<void> {
    const found = options.mediaFiles ? await options.mediaFiles(variant, mediaId) : null;
    const info = found ? await stat(found.file).catch(() => null) : null;
    if (!found || !info?.isFile()) {
      sendJson(res, 404, failure('not_found', `no ${variant} image for photo ${mediaId}`));
      return;
    }
    res.writeHead(200, {
      'Content-Type': found.contentType,
      'Content-Length': String(info.size),
      'X-Content-Type-Options': 'nosniff',
      // Thumbnails are keyed by content hash, but the id → file mapping can change on re-import: revalidate.
      'Cache-Control': 'private, max-age=60',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(found.file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  async function handleApiCall(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      sendJson(res, 405, failure('method_not_allowed', `API calls use POST, not ${req.method ?? '?'}`));
      return;
    }
    const body = await readBody(req, maxBodyBytes);
    if (body.kind === 'too_large') {
      sendJson(res, 413, failure('payload_too_large', `request body exceeds ${maxBodyBytes} bytes`, 'body'));
      return;
    }
    let input: unknown = {};
    if (body.text.trim() !== '') {
      try {
        input = JSON.parse(body.text);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        sendJson(res, 400, failure('bad_request', `request body is not valid JSON: ${reason}`, 'body'));
        return;
      }
    }
    const result = await options.dispatcher.dispatch(method, input, { transport: 'http' });
    sendJson(res, result.ok ? 200 : httpStatusOf(result.error.code), result);
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL, setCookie: boolean): Promise<void> {
    const found = await lookupStaticFile(options.rendererRoot, url.pathname);
    if (found.kind === 'bad_path') {
      sendJson(res, 404, failure('not_found', found.reason));
      return;
    }
    if (found.kind === 'missing') {
      const isIndex = url.pathname === '/' || url.pathname === '/index.html';
      const message = isIndex
        ? `the renderer is not built (no index.html in ${options.rendererRoot}); run "npm run build:renderer"`
        : `no file at ${url.pathname}`;
      sendJson(res, isIndex ? 503 : 404, failure(isIndex ? 'unavailable' : 'not_found', message));
      return;
    }
    const headers: Record<string, string> = {
      'Content-Type': found.contentType,
      'Content-Length': String(found.size),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': found.contentType.startsWith('text/html') ? 'no-store' : 'no-cache',
    };
    if (found.contentType.startsWith('text/html')) {
      headers['Content-Security-Policy'] = `${RENDERER_CSP}; ${HEADER_ONLY_CSP}`;
    }
    if (setCookie) {
      headers['Set-Cookie'] = `${cookieNameFor(port)}=${options.token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(found.filePath)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${LOOPBACK_HOST}:${port}`);
    const reject = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hostHeaders().has(req.headers.host ?? '')) return reject('403 Forbidden');
    const found = findToken(req, url, cookieNameFor(port));
    if (!found || !tokensMatch(options.token, found.token)) return reject('401 Unauthorized');
    if (url.pathname !== '/events') return reject('404 Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
      // Calls travel over HTTP; the socket is push-only, so anything a client sends is ignored.
    });
  });

  const unsubscribe = options.events.subscribe((event) => {
    const frame = JSON.stringify({ type: 'event', ...event });
    for (const ws of sockets) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > MAX_SOCKET_BUFFER_BYTES) {
        ws.close(1013, 'event consumer too slow');
        continue;
      }
      ws.send(frame);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | null = null;
  return {
    port,
    url: `http://${LOOPBACK_HOST}:${port}/?token=${options.token}`,
    close() {
      closed ??= (async () => {
        unsubscribe();
        for (const ws of sockets) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of connections) socket.destroy();
        await done;
      })();
      return closed;
    },
  };
}

/** @throws ApiError `forbidden` for any bind address but 127.0.0.1 (DESIGN.md §8). */
export function assertLoopbackHost(host: string): void {
  if (host !== LOOPBACK_HOST) {
    throw new ApiError(
      'forbidden',
      `refusing to listen on "${host}": the browser host binds to ${LOOPBACK_HOST} only (DESIGN.md §8)`,
      'host',
    );
  }
}

function failure(code: string, message: string, field?: string): ApiResult<never> {
  return { ok: false, error: new ApiError(code, message, field).toShape() };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

type Body = { kind: 'ok'; text: string } | { kind: 'too_large' };

function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<Body> {
  // Event-based on purpose: leaving a for-await loop early would destroy the socket before we can answer 413.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(
        size > maxBodyBytes ? { kind: 'too_large' } : { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') },
      );
    });
    req.on('error', reject);
  });
}
