import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventMessage } from '../../../main/api';
import { createHttpTransport, type WebSocketLike } from './http-ws';

class FakeSocket implements WebSocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  close(): void {
    this.closed = true;
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const transport = createHttpTransport({
    baseUrl: 'http://127.0.0.1:9',
    token: 't/k',
    reconnectDelayMs: 100,
    createWebSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    fetch: async () => new Response('<html>bad gateway</html>', { status: 502 }),
  });
  return { transport, sockets };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createHttpTransport', () => {
  it('opens the event socket on first subscribe, with the token escaped, and forwards event frames', () => {
    const { transport, sockets } = setup();
    const states: string[] = [];
    transport.watchState((s) => states.push(s));
    const seen: EventMessage[] = [];
    transport.subscribe((e) => seen.push(e));
    expect(sockets.map((s) => s.url)).toEqual(['ws://127.0.0.1:9/events?token=t%2Fk']);
    sockets[0]?.onopen?.({});
    sockets[0]?.onmessage?.({ data: 'not json' });
    sockets[0]?.onmessage?.({ data: JSON.stringify({ type: 'other' }) });
    sockets[0]?.onmessage?.({
      data: JSON.stringify({ type: 'event', name: 'app.pinged', payload: { message: 'm', at: 1, transport: 'http' } }),
    });
    expect(seen).toEqual([{ name: 'app.pinged', payload: { message: 'm', at: 1, transport: 'http' } }]);
    expect(states).toEqual(['closed', 'connecting', 'open']);
  });

  it('reconnects with doubling delay after the socket closes, and stops after dispose', () => {
    vi.useFakeTimers();
    const { transport, sockets } = setup();
    transport.subscribe(() => {});
    sockets[0]?.onclose?.({});
    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1]?.onclose?.({});
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    transport.dispose();
    expect(sockets[2]?.closed).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(3);
  });

  it('turns a response without a result envelope into an internal error naming the status', async () => {
    const { transport } = setup();
    expect(await transport.call('app.info', {})).toEqual({
      ok: false,
      error: { name: 'ApiError', code: 'internal', message: 'HTTP 502 from the browser host without a result' },
    });
  });
});
