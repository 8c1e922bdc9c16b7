/**
 * The only code that knows which transport runs (DESIGN.md §2): the Electron preload's bridge when it exists,
 * else the browser host at this page's origin with the token from `?token=`.
 */
import type { ApiTransport } from './api-client';
import { createHttpTransport } from './transports/http-ws';
import { createIpcTransport } from './transports/ipc-bridge';

export type TransportChoice = { ok: true; transport: ApiTransport } | { ok: false; reason: string };

export function pickTransport(win: Window): TransportChoice {
  if (win.pairscope) return { ok: true, transport: createIpcTransport(win.pairscope) };
  const token = new URL(win.location.href).searchParams.get('token');
  if (!token) {
    return { ok: false, reason: 'No token in this URL. Open the URL printed by "pairscope serve" or "npm start".' };
  }
  return { ok: true, transport: createHttpTransport({ baseUrl: win.location.origin, token }) };
}
