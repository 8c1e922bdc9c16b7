import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../api-binding';
import type { AppContext } from '../app-context';
import { openLibrary, type OpenLibrary } from '../engine/library/open-library';
import { EventHub } from '../event-hub';
import { projectRoot } from '../project-paths';
import { createHandlers } from './index';

const TINY = path.join(projectRoot, 'test', 'fixtures', 'tiny-albef');
const EMOJI = path.join(projectRoot, 'node_modules', 'emoji-datasource-google', 'img', 'google', '64');
const call = { transport: 'http' } as const;

let dir: string;
let lib: OpenLibrary;
let api: ReturnType<typeof createDispatcher>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'library-api-'));
  const photos = path.join(dir, 'photos');
  const names = readdirSync(EMOJI)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .slice(0, 3);
  mkdirSync(photos);
  names.forEach((f) => copyFileSync(path.join(EMOJI, f), path.join(photos, f)));
  writeFileSync(
    path.join(photos, 'pairs.jsonl'),
    names.map((f, i) => JSON.stringify({ image: f, caption: `caption ${i}` })).join('\n'),
  );
  lib = await openLibrary({ library: path.join(dir, 'lib'), bundleDir: TINY });
  await lib.session.ingest.finished(lib.session.ingest.importPairs(path.join(photos, 'pairs.jsonl')));
  const ctx: AppContext = {
    version: 'test',
    host: 'node',
    startedAt: 0,
    libraryPath: path.join(dir, 'lib'),
    events: new EventHub(),
    catalog: lib.catalog,
    settings: lib.settings,
  };
  api = createDispatcher(createHandlers(ctx), { logError: () => {} });
});
afterAll(async () => {
  await lib.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('settings and library roots over the API contract', () => {
  it('stores a valid change and answers a bad one with its code and the field to blame', async () => {
    const ok = await api.dispatch('settings.set', { threads: 1, provider: 'cpu' }, call);
    expect(ok).toMatchObject({ ok: true, value: { chosen: { threads: 1, provider: 'cpu' }, pendingReload: true } });
    const bad = await api.dispatch('settings.set', { provider: 'no-such-provider' }, call);
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_provider', field: 'input.provider' } });
    const back = await api.dispatch('settings.set', { threads: null, provider: null }, call);
    expect(back).toMatchObject({
      ok: true,
      value: { chosen: { threads: null, provider: null }, pendingReload: false },
    });
  });

  it('will not remove a root without confirm: true, and counts what would go first', async () => {
    const root = path.join(dir, 'photos');
    const refused = await api.dispatch('library.removeRoot', { root }, call);
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const counted = await api.dispatch('library.rootContents', { root }, call);
    expect(counted).toEqual({ ok: true, value: { root, photos: 3, captions: 3, corrections: 0 } });
    expect(lib.session.store.media.count()).toBe(3);
    const unknown = await api.dispatch('library.rootContents', { root: path.join(dir, 'nope') }, call);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_a_root', field: 'input.root' } });
  });

  it('media.items gives grid items with their captions in the order asked', async () => {
    const ids = lib.catalog.list({}, 'path', 0, 10).items.map((i) => i.mediaId);
    const r = await api.dispatch('media.items', { mediaIds: [ids[2]!, ids[0]!] }, call);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.items.map((i) => i.caption)).toEqual(['caption 2', 'caption 0']);
  });
});
