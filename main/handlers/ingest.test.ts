import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventMessage } from '../api';
import { createDispatcher } from '../api-binding';
import type { AppContext } from '../app-context';
import { ImportSession } from '../engine/ingest/import-session';
import { patternImage } from '../engine/ingest/test-images';
import { makeTempDir } from '../engine/store/test-support/temp-dir';
import { EventHub } from '../event-hub';
import { createHandlers } from './index';

const TINY = join(__dirname, '../../test/fixtures/tiny-albef');
const call = { transport: 'http' } as const;

let tmp: ReturnType<typeof makeTempDir>;
let session: ImportSession;
let hub: EventHub;
const received: EventMessage[] = [];

beforeEach(async () => {
  tmp = makeTempDir('pairscope-ingest-api-');
  mkdirSync(join(tmp.dir, 'photos'));
  for (let i = 0; i < 6; i++) writeFileSync(join(tmp.dir, 'photos', `${i}.jpg`), await patternImage(i, 'jpeg'));
  writeFileSync(join(tmp.dir, 'photos', 'broken.png'), 'nope');
  hub = new EventHub();
  received.length = 0;
  hub.subscribe((e) => received.push(e));
  // The composition root forwards job progress as the contract's event (EventHub validates each payload).
  session = await ImportSession.open({
    library: join(tmp.dir, 'lib'),
    bundleDir: TINY,
    batchSize: 2,
    onProgress: (p) => hub.emit('job.progress', p),
  });
});
afterEach(async () => {
  await session.close();
  tmp.remove();
});

function dispatcher(withLibrary: boolean) {
  const ctx: AppContext = {
    version: 'test',
    host: 'node',
    startedAt: 0,
    libraryPath: null,
    events: hub,
    ...(withLibrary ? { ingest: session.ingest } : {}),
  };
  return createDispatcher(createHandlers(ctx), { logError: () => {} });
}

describe('import.* and jobs.* over the API contract', () => {
  it('starts a folder import, streams job.progress events, and reports the finished job with its failed files', async () => {
    const started = await dispatcher(true).dispatch('import.folder', { root: join(tmp.dir, 'photos') }, call);
    if (!started.ok) throw new Error(started.error.message);
    await session.ingest.runner.wait(started.value.jobId);
    const progress = received
      .filter((e) => e.name === 'job.progress')
      .map((e) => e.payload as { state: string; done: number; total: number | null });
    expect(progress[0]).toMatchObject({ state: 'queued' });
    expect(progress.at(-1)).toMatchObject({ state: 'done', done: 7, total: 7 });
    const got = await dispatcher(true).dispatch('jobs.get', { jobId: started.value.jobId }, call);
    if (!got.ok) throw new Error(got.error.message);
    expect([got.value.state, got.value.counts.imported, got.value.failedFiles]).toEqual([
      'done',
      6,
      [
        {
          path: join(tmp.dir, 'photos', 'broken.png'),
          reason: 'not an image: the content is text, although the name ends in .png',
        },
      ],
    ]);
    const list = await dispatcher(true).dispatch('jobs.list', {}, call);
    expect(list.ok && list.value.jobs.map((j) => [j.jobId, j.kind, j.state, j.errors])).toEqual([
      [started.value.jobId, 'import-folder', 'done', 1],
    ]);
    expect(await dispatcher(true).dispatch('jobs.cancel', { jobId: started.value.jobId }, call)).toEqual({
      ok: true,
      value: { cancelled: false },
    });
  });

  it('refuses a missing folder by field, and any import while no library is open', async () => {
    const missing = await dispatcher(true).dispatch('import.folder', { root: join(tmp.dir, 'nope') }, call);
    expect(missing.ok ? null : [missing.error.code, missing.error.field]).toEqual(['not_found', 'input.root']);
    const closed = await dispatcher(false).dispatch('import.pairs', { file: join(tmp.dir, 'x.csv') }, call);
    expect(closed.ok ? null : closed.error.code).toBe('library_not_open');
  });
});
