import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from './api-binding';
import { EventHub } from './event-hub';
import { type BrowserHost, type MediaFileResolver, startBrowserHost } from './server';

const TOKEN = 'media-token-123';
let dir: string;
let host: BrowserHost;
const asked: Array<[string, number]> = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pairscope-media-'));
  await writeFile(path.join(dir, 'thumb.webp'), 'WEBP-BYTES');
  const mediaFiles: MediaFileResolver = async (variant, id) => {
    asked.push([variant, id]);
    return id === 7 ? { file: path.join(dir, 'thumb.webp'), contentType: 'image/webp' } : null;
  };
  host = await startBrowserHost({
    port: 0,
    token: TOKEN,
    rendererRoot: dir,
    dispatcher: createDispatcher({} as never),
    events: new EventHub(),
    mediaFiles,
  });
});

afterAll(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (p: string, headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }) =>
  fetch(`http://127.0.0.1:${host.port}${p}`, { headers });

describe('browser host /media/<variant>/<id>', () => {
  it('sends the file the resolver names for the id, with its type', async () => {
    const res = await get('/media/grid/7');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(await res.text()).toBe('WEBP-BYTES');
    expect(asked.at(-1)).toEqual(['grid', 7]);
  });

  it('needs the token like every other route', async () => {
    const res = await get('/media/grid/7', {});
    expect(res.status).toBe(401);
  });

  it('answers 404 for an id the library does not have, and never asks about paths or bad variants', async () => {
    expect((await get('/media/original/8')).status).toBe(404);
    const before = asked.length;
    for (const p of [
      '/media/grid/..%2F..%2Fetc%2Fpasswd',
      '/media/thumb/7',
      '/media/grid/0',
      '/media/grid/7/x',
      '/media/grid/-1',
    ]) {
      expect((await get(p)).status, p).toBe(404);
    }
    expect(asked.length).toBe(before);
  });
});
