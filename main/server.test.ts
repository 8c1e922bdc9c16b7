import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiClient } from '../renderer/lib/api-client';
import { createHttpTransport, type WebSocketLike } from '../renderer/lib/transports/http-ws';
import type { EventMessage } from './api';
import { type NodeHost, openNodeHost } from './node-host';
import { startBrowserHost } from './server';
import { createDispatcher } from './api-binding';
import { EventHub } from './event-hub';

const TOKEN = 'test-token-123';
let dir: string;
let host: NodeHost;
let base: string;

/** Raw HTTP so the test controls the exact path and headers (fetch would normalise `..`). */
function raw(
  pathName: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.browserHost.port,
        path: pathName,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pairscope-server-'));
  const root = path.join(dir, 'renderer');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(dir, 'secret.txt'), 'SECRET-CONTENT');
  await symlink(path.join(dir, 'secret.txt'), path.join(root, 'assets', 'escape.txt'));
  host = await openNodeHost({ port: 0, token: TOKEN, libraryPath: null, rendererRoot: root, maxBodyBytes: 64 * 1024 });
  base = `http://127.0.0.1:${host.browserHost.port}`;
});

afterAll(async () => {
  await host?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('browser host', () => {
  it('answers 401 to an API call without the token, then still serves a good one', async () => {
    const denied = await raw('/api/app.ping', { method: 'POST', body: '{"message":"x"}' });
    expect(denied.status).toBe(401);
    expect(JSON.parse(denied.body).error.code).toBe('unauthorized');
    const ok = await raw('/api/app.ping', { method: 'POST', headers: auth, body: '{"message":"after 401"}' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).value.message).toBe('after 401');
  });

  it('answers 401 to a wrong token and to a page request without one', async () => {
    expect((await raw('/api/app.info', { method: 'POST', headers: { Authorization: 'Bearer nope' } })).status).toBe(
      401,
    );
    expect((await raw('/')).status).toBe(401);
    expect((await raw('/assets/app.js')).status).toBe(401);
  });

  it('answers 400 naming the bad field, then still serves', async () => {
    const bad = await raw('/api/app.ping', { method: 'POST', headers: auth, body: '{"message":7}' });
    expect(bad.status).toBe(400);
    const error = JSON.parse(bad.body).error;
    expect(error.field).toBe('input.message');
    expect(error.message).toContain('input.message');
    const notJson = await raw('/api/app.ping', { method: 'POST', headers: auth, body: '{"message":' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.field).toBe('body');
    const ok = await raw('/api/app.ping', { method: 'POST', headers: auth, body: '{"message":"after 400"}' });
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { message: 'after 400' } });
  });

  it('answers 400 to bytes that are not HTTP at all, then still serves', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(host.browserHost.port, '127.0.0.1', () => socket.write('NOT HTTP\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect((await raw('/api/app.info', { method: 'POST', headers: auth, body: '{}' })).status).toBe(200);
  });

  it('answers 404 with code unknown_method to a method not in the contract', async () => {
    const res = await raw('/api/app.nothing', { method: 'POST', headers: auth, body: '{}' });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error.code).toBe('unknown_method');
  });

  it('answers 413 to a body over its limit and keeps serving', async () => {
    const big = JSON.stringify({ message: 'x'.repeat(64 * 1024 + 10) });
    const res = await raw('/api/app.ping', { method: 'POST', headers: auth, body: big });
    expect(res.status).toBe(413);
    expect((await raw('/api/app.info', { method: 'POST', headers: auth, body: '{}' })).status).toBe(200);
  });

  it('sets a per-port HttpOnly cookie when opened with ?token=, which then authorises the page assets', async () => {
    const page = await raw(`/?token=${TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const cookie = (page.headers['set-cookie'] as string[])[0] ?? '';
    expect(cookie).toBe(`pairscope_token_${host.browserHost.port}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`);
    const asset = await raw('/assets/app.js', { headers: { Cookie: cookie.split(';')[0] ?? '' } });
    expect(asset.status).toBe(200);
    expect(asset.body).toBe('console.log(1)');
  });

  it('never serves a path outside the renderer folder (dot-dot, encoded dot-dot, symlink)', async () => {
    const headers = { Authorization: `Bearer ${TOKEN}` };
    for (const p of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/escape.txt',
    ]) {
      const res = await raw(p, { headers });
      expect(res.status, p).toBe(404);
      expect(res.body, p).not.toContain('SECRET-CONTENT');
    }
  });

  it('refuses a request whose Host header is not its loopback address (DNS rebinding)', async () => {
    const res = await raw('/api/app.info', {
      method: 'POST',
      headers: { ...auth, Host: 'evil.example:80' },
      body: '{}',
    });
    expect(res.status).toBe(403);
  });

  it('refuses a WebSocket without the token with 401', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.browserHost.port}/events`);
    ws.on('error', () => {});
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(200));
    });
    expect(status).toBe(401);
  });

  it('round-trips a call through the client and pushes the event it causes over the socket', async () => {
    const transport = createHttpTransport({
      baseUrl: base,
      token: TOKEN,
      createWebSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
    });
    const client = createApiClient(transport);
    const received: EventMessage[] = [];
    const opened = new Promise<void>((resolve) => client.watchState((s) => s === 'open' && resolve()));
    const pinged = new Promise<void>((resolve) =>
      client.on('app.pinged', (payload) => {
        received.push({ name: 'app.pinged', payload });
        resolve();
      }),
    );
    await opened;
    const info = await client.call('app.info', {});
    expect(info).toMatchObject({ name: 'pairscope', transport: 'http', host: 'node', libraryPath: null });
    const reply = await client.call('app.ping', { message: 'over the wire' });
    expect(reply.message).toBe('over the wire');
    await pinged;
    expect(received[0]?.payload).toMatchObject({ message: 'over the wire', transport: 'http' });
    await expect(client.call('app.ping', { message: 3 as unknown as string })).rejects.toMatchObject({
      code: 'bad_request',
      field: 'input.message',
    });
    client.dispose();
  });
});

describe('startBrowserHost', () => {
  it.each(['0.0.0.0', '::', '192.168.1.10', 'localhost'])('refuses to bind to %s', async (bindHost) => {
    const events = new EventHub();
    const dispatcher = createDispatcher({} as never);
    await expect(
      startBrowserHost({ host: bindHost, port: 0, token: TOKEN, rendererRoot: dir, dispatcher, events }),
    ).rejects.toThrow(`refusing to listen on "${bindHost}": the browser host binds to 127.0.0.1 only`);
  });

  it('refuses a token that cannot travel in a URL', async () => {
    const events = new EventHub();
    const dispatcher = createDispatcher({} as never);
    await expect(startBrowserHost({ port: 0, token: 'a b', rendererRoot: dir, dispatcher, events })).rejects.toThrow(
      'token must be 1-256 characters',
    );
  });
});
