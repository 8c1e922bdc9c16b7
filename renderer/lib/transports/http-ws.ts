/**
 * Transport to the browser host (main/server.ts): calls are `POST /api/<method>` with the token as a bearer header;
 * events arrive on one WebSocket at `/events?token=…`, reconnected with back-off while the client lives.
 */
import type { ApiResult, EventMessage } from '../../../main/api';
import type { ApiTransport, EventChannelState } from '../api-client';

/** The subset of the WebSocket API we use, so Node tests can pass the `ws` package's class. */
export interface WebSocketLike {
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(): void;
}

export interface HttpTransportOptions {
  /** e.g. `http://127.0.0.1:41234` (the page's own origin in the browser). */
  baseUrl: string;
  token: string;
  createWebSocket?: (url: string) => WebSocketLike;
  fetch?: typeof fetch;
  /** First reconnect delay; doubles up to 10 s. */
  reconnectDelayMs?: number;
}

export function createHttpTransport(options: HttpTransportOptions): ApiTransport {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const createWebSocket = options.createWebSocket ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike);
  const listeners = new Set<(event: EventMessage) => void>();
  const stateListeners = new Set<(state: EventChannelState) => void>();
  let state: EventChannelState = 'closed';
  let socket: WebSocketLike | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let delay = options.reconnectDelayMs ?? 500;
  let disposed = false;

  const setState = (next: EventChannelState) => {
    state = next;
    for (const listener of stateListeners) listener(next);
  };

  const connect = () => {
    if (disposed || socket) return;
    const wsUrl = `${options.baseUrl.replace(/^http/, 'ws')}/events?token=${encodeURIComponent(options.token)}`;
    setState('connecting');
    const ws = createWebSocket(wsUrl);
    socket = ws;
    ws.onopen = () => {
      delay = options.reconnectDelayMs ?? 500;
      setState('open');
    };
    ws.onmessage = (ev) => {
      const frame = parseFrame(ev.data);
      if (frame) for (const listener of [...listeners]) listener(frame);
    };
    ws.onerror = () => {};
    ws.onclose = () => {
      socket = null;
      setState('closed');
      if (disposed || listeners.size === 0) return;
      retryTimer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };

  return {
    kind: 'http',
    async call(method, input) {
      const response = await doFetch(`${options.baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.token}` },
        body: JSON.stringify(input ?? {}),
      });
      const body: unknown = await response.json().catch(() => null);
      if (body && typeof body === 'object' && 'ok' in body) return body as ApiResult<unknown>;
      const message = `HTTP ${response.status} from the browser host without a result`;
      return { ok: false, error: { name: 'ApiError', code: 'internal', message } };
    },
    subscribe(listener) {
      listeners.add(listener);
      connect();
      return () => listeners.delete(listener);
    },
    watchState(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },
    dispose() {
      disposed = true;
      if (retryTimer) clearTimeout(retryTimer);
      socket?.close();
      socket = null;
      listeners.clear();
      stateListeners.clear();
    },
  };
}

function parseFrame(data: unknown): EventMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const frame = JSON.parse(data) as { type?: unknown; name?: unknown; payload?: unknown };
    if (frame.type !== 'event' || typeof frame.name !== 'string') return null;
    return { name: frame.name, payload: frame.payload } as EventMessage;
  } catch {
    return null;
  }
}
