import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDispatcher } from '../api-binding';
import type { EventPayload } from '../api';
import { openAppComposition, type AppComposition } from '../app-composition';
import { patternImage } from '../engine/ingest/test-images';
import { makeTempDir } from '../engine/store/test-support/temp-dir';
import { EventHub } from '../event-hub';
import { createHandlers } from './index';

/**
 * finetune.* / versions.* through the real app composition (tiny bundle, real SQLite, real images): the job
 * reports loss points and ETA, the new version becomes active for search.query, rollback brings the exact
 * earlier results back, cancel leaves the active version alone.
 */
const TINY = join(__dirname, '../../test/fixtures/tiny-albef');
const call = { transport: 'http' } as const;
let tmp: ReturnType<typeof makeTempDir>;
let app: AppComposition;
const events = new EventHub();
const progress: EventPayload<'finetune.progress'>[] = [];
const jobs: EventPayload<'job.progress'>[] = [];

beforeAll(async () => {
  tmp = makeTempDir('pairscope-versions-api-');
  mkdirSync(join(tmp.dir, 'img'));
  const lines = [];
  for (let i = 0; i < 24; i++) {
    writeFileSync(join(tmp.dir, 'img', `${i}.png`), await patternImage(i + 200, 'png', 64));
    lines.push(JSON.stringify({ image: `img/${i}.png`, caption: `caption number ${i}` }));
    lines.push(JSON.stringify({ image: `img/${i}.png`, caption: `another caption ${i}` }));
  }
  writeFileSync(join(tmp.dir, 'pairs.jsonl'), lines.join('\n'));
  events.subscribe((m) => {
    if (m.name === 'finetune.progress') progress.push(m.payload);
    if (m.name === 'job.progress') jobs.push(m.payload);
  });
  app = await openAppComposition({
    host: 'node',
    version: 'test',
    events,
    libraryPath: join(tmp.dir, 'lib'),
    bundleDir: TINY,
  });
  const ingest = app.ctx.ingest!;
  await ingest.runner.wait(ingest.importPairs(join(tmp.dir, 'pairs.jsonl')));
}, 120_000);
afterAll(async () => {
  await app.close();
  tmp.remove();
});

async function ok<T>(r: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const v = await r;
  if (!v.ok) throw new Error(v.error.message);
  return v.value;
}

describe('finetune.* and versions.* over the API contract', () => {
  it('fine-tunes as a job with a live loss curve, switches search, and rolls back to the exact earlier results', async () => {
    const d = createDispatcher(createHandlers(app.ctx), { logError: () => {} });
    const query = () => ok(d.dispatch('search.query', { text: 'caption number 3', limit: 10 }, call));
    const before = await query();
    const { jobId } = await ok(d.dispatch('finetune.start', { epochs: 2 }, call));
    const job = await app.ctx.ingest!.runner.wait(jobId);
    expect(job.state).toBe('done');
    const mine = progress.filter((p) => p.jobId === jobId);
    // Reports are throttled, but together they carry every step's loss point, in order.
    const curve = mine.flatMap((p) => p.points);
    expect(curve.map((p) => p.step)).toEqual(Array.from({ length: mine.at(-1)!.totalSteps }, (_, i) => i));
    expect(curve.every((p) => Number.isFinite(p.total))).toBe(true);
    expect(mine.at(-1)!.etaSeconds).toBe(0);
    expect(jobs.filter((j) => j.jobId === jobId).at(-1)).toMatchObject({
      kind: 'fine-tune',
      state: 'done',
      done: curve.length,
      total: curve.length,
    });

    const { versions } = await ok(d.dispatch('versions.list', {}, call));
    expect(versions.map((v) => [v.name, v.active])).toEqual([
      ['tiny-albef', false],
      [versions[1]!.name, true],
    ]);
    expect(versions[1]!.after!.images).toBe(versions[1]!.before!.images);
    expect(versions[0]!.after).toBeUndefined();
    const after = await query();
    expect(after.items.map((h) => h.score)).not.toEqual(before.items.map((h) => h.score));

    const back = await ok(d.dispatch('versions.rollback', { version: 'tiny-albef' }, call));
    expect([back.active.name, back.active.active]).toEqual(['tiny-albef', true]);
    expect((await query()).items).toEqual(before.items);
    await ok(d.dispatch('versions.rollback', { version: versions[1]!.name }, call));
    expect((await query()).items).toEqual(after.items);

    // Photos imported while the fine-tuned version is active are searchable under it (projected with its heads).
    mkdirSync(join(tmp.dir, 'more'));
    for (let i = 0; i < 2; i++)
      writeFileSync(join(tmp.dir, 'more', `n${i}.png`), await patternImage(i + 900, 'png', 64));
    const ingest = app.ctx.ingest!;
    await ingest.runner.wait(ingest.importFolder(join(tmp.dir, 'more')));
    const all = await ok(d.dispatch('search.query', { text: 'caption number 3', limit: 100 }, call));
    expect(all.items.length).toBe(26);
    expect(all.items.filter((h) => h.path.includes('/more/')).length).toBe(2);

    const unknown = await d.dispatch('versions.rollback', { version: 'nope' }, call);
    expect(unknown.ok ? null : [unknown.error.code, unknown.error.field]).toEqual(['unknown_version', 'input.version']);
  }, 120_000);

  it('a cancelled fine-tune leaves the active version as it was', async () => {
    const d = createDispatcher(createHandlers(app.ctx), { logError: () => {} });
    const activeBefore = (await ok(d.dispatch('versions.list', {}, call))).versions.find((v) => v.active)!.name;
    const { jobId } = await ok(d.dispatch('finetune.start', { epochs: 5000 }, call));
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (progress.some((p) => p.jobId === jobId)) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    expect((await ok(d.dispatch('finetune.cancel', { jobId }, call))).cancelled).toBe(true);
    expect((await app.ctx.ingest!.runner.wait(jobId)).state).toBe('cancelled');
    const list = (await ok(d.dispatch('versions.list', {}, call))).versions;
    expect(list.length).toBe(2);
    expect(list.find((v) => v.active)!.name).toBe(activeBefore);
  }, 120_000);

  it('a caption edited in review while a fine-tuned version is active is searchable by its new text under that version', async () => {
    const d = createDispatcher(createHandlers(app.ctx), { logError: () => {} });
    const list = (await ok(d.dispatch('versions.list', {}, call))).versions;
    expect(list.find((v) => v.active)!.name).not.toBe('tiny-albef');
    const captions = (text: string) =>
      ok(d.dispatch('search.query', { text, target: 'captions', limit: 3, minScore: -1 }, call));
    const target = (await captions('caption number 7')).items[0]!;
    const edited = 'a striped umbrella on the beach';
    // Before the edit no caption has this text: nothing scores as the query itself.
    expect((await captions(edited)).items[0]!.cosine).toBeLessThan(0.9999);
    await app.ctx.curation!.act({ captionId: target.captionId!, action: 'edit', text: edited });
    // Under the fine-tuned version the edited caption is now the new text's embedding through that version's heads:
    // the query (same text, same heads) finds it at cosine 1.
    const after = (await captions(edited)).items[0]!;
    expect(after.captionId).toBe(target.captionId);
    expect(after.cosine).toBeGreaterThan(0.9999);
  }, 120_000);

  it('the review queue follows the active version: scored with its heads after a switch, the bundle scores after a rollback', async () => {
    const d = createDispatcher(createHandlers(app.ctx), { logError: () => {} });
    const runner = app.ctx.ingest!.runner;
    const settle = async () => {
      for (const j of runner.list(50)) if (j.state === 'queued' || j.state === 'running') await runner.wait(j.id);
    };
    // The context exposes the API's part of Curation; the version it follows is on the object itself.
    const curation = app.ctx.curation! as NonNullable<typeof app.ctx.curation> & { readonly modelVersionId: number };
    const list = (await ok(d.dispatch('versions.list', {}, call))).versions;
    const fineTuned = list.find((v) => v.active)!;
    const bundle = list.find((v) => v.name === 'tiny-albef')!;
    expect(fineTuned.id).not.toBe(bundle.id);
    await settle();
    const scores = () => {
      const q = curation.queue({ limit: 500, states: ['unreviewed', 'accepted', 'corrected', 'rejected'] });
      expect(q.scored).toBe(q.pairs);
      return new Map(q.items.map((i) => [i.captionId, i.score]));
    };
    expect(curation.modelVersionId).toBe(fineTuned.id);
    const underFineTuned = scores();
    await ok(d.dispatch('versions.rollback', { version: 'tiny-albef' }, call));
    expect(curation.modelVersionId).toBe(bundle.id);
    await settle();
    const underBundle = scores();
    expect([...underBundle.keys()].sort()).toEqual([...underFineTuned.keys()].sort());
    expect([...underBundle].some(([id, score]) => underFineTuned.get(id) !== score)).toBe(true);
    await ok(d.dispatch('versions.rollback', { version: fineTuned.name }, call));
    expect(curation.modelVersionId).toBe(fineTuned.id);
  }, 120_000);
});
