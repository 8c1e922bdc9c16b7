import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDispatcher } from '../api-binding';
import type { AppContext } from '../app-context';
import type { Curation } from '../engine/curate/curation';
import { curationFor } from '../engine/curate/library-curation';
import { ImportSession } from '../engine/ingest/import-session';
import { patternImage } from '../engine/ingest/test-images';
import { makeTempDir } from '../engine/store/test-support/temp-dir';
import { EventHub } from '../event-hub';
import { createHandlers } from './index';

const TINY = join(__dirname, '../../test/fixtures/tiny-albef');
const call = { transport: 'http' } as const;
let tmp: ReturnType<typeof makeTempDir>;
let session: ImportSession;
let curation: Curation;

beforeAll(async () => {
  tmp = makeTempDir('pairscope-review-api-');
  mkdirSync(join(tmp.dir, 'img'));
  const lines = [];
  for (let i = 0; i < 7; i++) {
    writeFileSync(join(tmp.dir, 'img', `${i}.png`), await patternImage(i + 60, 'png'));
    lines.push(JSON.stringify({ image: `img/${i}.png`, caption: `caption number ${i}` }));
  }
  writeFileSync(join(tmp.dir, 'pairs.jsonl'), lines.join('\n'));
  session = await ImportSession.open({ library: join(tmp.dir, 'lib'), bundleDir: TINY });
  curation = await curationFor(session);
  await session.ingest.finished(session.ingest.importPairs(join(tmp.dir, 'pairs.jsonl')));
  await session.ingest.runner.wait(curation.ensureScored()!);
});
afterAll(async () => {
  await session.close();
  tmp.remove();
});

function dispatcher(open: boolean) {
  const ctx: AppContext = {
    version: 'test',
    host: 'node',
    startedAt: 0,
    libraryPath: null,
    events: new EventHub(),
    ...(open ? { curation } : {}),
  };
  return createDispatcher(createHandlers(ctx), { logError: () => {} });
}

describe('review.* over the API contract', () => {
  it('serves the queue, records an action and undoes it, each as a stored event', async () => {
    const q = await dispatcher(true).dispatch('review.queue', { limit: 3 }, call);
    if (!q.ok) throw new Error(q.error.message);
    expect([q.value.total, q.value.items.length, q.value.scoring]).toEqual([7, 3, false]);
    const head = q.value.items[0]!;
    const acted = await dispatcher(true).dispatch('review.act', { captionId: head.captionId, action: 'reject' }, call);
    expect(acted.ok && [acted.value.event.action, acted.value.event.newState]).toEqual(['reject', 'rejected']);
    const undone = await dispatcher(true).dispatch('review.undo', {}, call);
    expect(undone.ok && [undone.value.event.action, undone.value.undone.action]).toEqual(['undo', 'reject']);
    const events = await dispatcher(true).dispatch('review.events', { captionId: head.captionId }, call);
    expect(events.ok && events.value.events.map((e) => e.action)).toEqual(['reject', 'undo']);
  });

  it('names the field of an incomplete action, says when there is nothing to undo, and when no library is open', async () => {
    const id = curation.queue({ limit: 1 }).items[0]!.captionId;
    const noK = await dispatcher(true).dispatch('review.act', { captionId: id, action: 'suggestion' }, call);
    expect(noK.ok ? null : [noK.error.code, noK.error.field]).toEqual(['bad_request', 'input.suggestion']);
    const missing = await dispatcher(true).dispatch('review.act', { captionId: 424242, action: 'confirm' }, call);
    expect(missing.ok ? null : [missing.error.code, missing.error.field]).toEqual(['not_found', 'input.captionId']);
    const nothing = await dispatcher(true).dispatch('review.undo', { captionId: id }, call);
    expect(nothing.ok ? null : nothing.error.code).toBe('nothing_to_undo');
    const closed = await dispatcher(false).dispatch('review.queue', {}, call);
    expect(closed.ok ? null : closed.error.code).toBe('library_not_open');
  });
});
