import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../api-binding';
import { openAppComposition } from '../app-composition';
import { EventHub } from '../event-hub';
import { createHandlers } from './index';
import { ImportSession } from '../engine/ingest/import-session';
import { patternImage } from '../engine/ingest/test-images';
import { spawnTs, waitForExit, waitForLine } from '../engine/store/test-support/child-process';
import { makeTempDir } from '../engine/store/test-support/temp-dir';

/**
 * Issue #10 safety in the app (the CLI has its own SIGKILL test): the process is killed while a fine-tune job
 * trains in its worker. At the next open the active version, the version list and search results are exactly
 * as before, and the interrupted job ends failed with a message saying nothing changed (it is not re-run).
 */
const TINY = join(__dirname, '../../test/fixtures/tiny-albef');
let tmp: ReturnType<typeof makeTempDir>;
let library: string;

beforeAll(async () => {
  tmp = makeTempDir('pairscope-kill-finetune-');
  mkdirSync(join(tmp.dir, 'img'));
  const lines: string[] = [];
  for (let i = 0; i < 24; i++) {
    writeFileSync(join(tmp.dir, 'img', `${i}.png`), await patternImage(i + 300, 'png', 64));
    lines.push(JSON.stringify({ image: `img/${i}.png`, caption: `picture number ${i}` }));
    lines.push(JSON.stringify({ image: `img/${i}.png`, caption: `another picture ${i}` }));
  }
  writeFileSync(join(tmp.dir, 'pairs.jsonl'), lines.join('\n'));
  library = join(tmp.dir, 'lib');
  const session = await ImportSession.open({ library, bundleDir: TINY });
  try {
    await session.ingest.finished(session.ingest.importPairs(join(tmp.dir, 'pairs.jsonl')));
  } finally {
    await session.close();
  }
}, 120_000);
afterAll(() => tmp.remove());

async function openApp() {
  return openAppComposition({
    host: 'node',
    version: 'test',
    events: new EventHub(),
    libraryPath: library,
    bundleDir: TINY,
  });
}

describe('killing the app mid fine-tune', () => {
  it('leaves the active version and search untouched; the interrupted job fails saying so', async () => {
    let app = await openApp();
    const query = () => app.ctx.search!.query({ text: 'picture number 5', limit: 10 });
    const before = await query();
    const versionsBefore = app.ctx.versions!.list();
    await app.close();

    const child = spawnTs(new URL('../engine/train/test-support/fine-tune-child.ts', import.meta.url), [library, TINY]);
    const [, jobId] = await waitForLine(child, /^started (\d+)$/, 60_000);
    await waitForLine(child, /^progress \d+$/, 60_000);
    child.kill('SIGKILL');
    await waitForExit(child);
    expect(child.signalCode).toBe('SIGKILL');

    app = await openApp();
    try {
      expect(app.ctx.versions!.list()).toEqual(versionsBefore);
      expect((await query()).items).toEqual(before.items);
      const job = await app.ctx.ingest!.runner.wait(Number(jobId));
      expect(job.state).toBe('failed');
      expect(JSON.stringify(job.error)).toContain(
        'The fine-tune was interrupted (app closed); the model version is unchanged. Start it again.',
      );
      expect(app.ctx.versions!.list()).toEqual(versionsBefore);
      // What the panel shows comes from jobs.get (it answered "no job" while the cursor was not JSON).
      const d = createDispatcher(createHandlers(app.ctx), { logError: () => {} });
      const got = await d.dispatch('jobs.get', { jobId: Number(jobId) }, { transport: 'http' });
      expect(got.ok ? [got.value.state, got.value.error?.message] : got.error).toEqual([
        'failed',
        'The fine-tune was interrupted (app closed); the model version is unchanged. Start it again.',
      ]);
    } finally {
      await app.close();
    }
  }, 180_000);
});
