import { beforeEach, describe, expect, it } from 'vitest';
import type { LibraryStore } from '../store/library-store';
import { useTempStore } from '../store/test-support/temp-store';
import type { JobProgress } from './job-progress';
import { JobRunner, type JobContext } from './job-runner';

const lib = useTempStore('pairscope-jobs-');
let store: LibraryStore;
beforeEach(() => (store = lib.store));

/** A job that commits one numbered step at a time into the settings table, resuming at its cursor. */
function steps(n: number, gate?: Promise<void>) {
  return async (ctx: JobContext<{ prefix: string }>) => {
    ctx.setTotal(n);
    for (let i = ctx.cursor === null ? 0 : Number(ctx.cursor); i < n; i++) {
      if (ctx.signal.aborted) return;
      if (i === 2 && gate) await gate;
      ctx.commit(i + 1, () => {
        store.settings.set(`${ctx.params.prefix}${i}`, i);
        return String(i + 1);
      });
      await new Promise((r) => setTimeout(r, 1));
    }
  };
}

describe('JobRunner', () => {
  it('runs queued jobs one at a time, in order, and reports progress ending in done', async () => {
    const events: JobProgress[] = [];
    const runner = new JobRunner(store, { onProgress: (p) => events.push(p), progressIntervalMs: 0 });
    runner.register('steps', steps(3));
    const a = runner.enqueue('steps', { prefix: 'a' });
    const b = runner.enqueue('steps', { prefix: 'b' });
    const [ja, jb] = await Promise.all([runner.wait(a), runner.wait(b)]);
    expect([ja.state, ja.progressDone, ja.progressTotal, ja.cursor, jb.state]).toEqual(['done', 3, 3, '3', 'done']);
    // b started only after a finished.
    const order = events.filter((e) => e.state === 'running').map((e) => e.jobId);
    expect(order.lastIndexOf(a)).toBeLessThan(order.indexOf(b));
    expect(events.at(-1)).toMatchObject({ jobId: b, state: 'done', done: 3, total: 3, errors: 0, etaSeconds: null });
    await runner.dispose();
  });

  it('records a thrown error as failed with {name, code, message}, and an unknown kind is refused', async () => {
    const runner = new JobRunner(store);
    runner.register('boom', async () => {
      throw Object.assign(new Error('disk full while writing thumbnails'), { code: 'ENOSPC' });
    });
    const job = await runner.wait(runner.enqueue('boom', {}));
    expect([job.state, job.error]).toEqual([
      'failed',
      { name: 'Error', code: 'ENOSPC', message: 'disk full while writing thumbnails' },
    ]);
    expect(() => runner.enqueue('nope', {})).toThrow('unknown job kind "nope"');
    await runner.dispose();
  });

  it('cancels a queued job at once and a running one after its current step, keeping its commits', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const runner = new JobRunner(store);
    runner.register('steps', steps(5, gate));
    const running = runner.enqueue('steps', { prefix: 'r' });
    const queued = runner.enqueue('steps', { prefix: 'q' });
    expect(runner.cancel(queued)).toBe(true);
    expect(store.jobs.byId(queued)!.state).toBe('cancelled');
    while (store.jobs.byId(running)!.progressDone < 2) await new Promise((r) => setTimeout(r, 1));
    expect(runner.cancel(running)).toBe(true);
    open();
    const job = await runner.wait(running);
    // Stopped before its next step: steps 0 and 1 are kept, step 2 never ran.
    expect([job.state, job.progressDone, store.settings.get('r1'), store.settings.get('r2')]).toEqual([
      'cancelled',
      2,
      1,
      undefined,
    ]);
    expect(runner.cancel(running)).toBe(false);
    await runner.dispose();
  });

  it('leaves a job paused on dispose and resumes it at its cursor in a new runner, each step exactly once', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const first = new JobRunner(store);
    first.register('steps', steps(5, gate));
    const id = first.enqueue('steps', { prefix: 's' });
    while (store.jobs.byId(id)!.progressDone < 2) await new Promise((r) => setTimeout(r, 1));
    const disposed = first.dispose();
    open();
    await disposed;
    expect([store.jobs.byId(id)!.state, store.jobs.byId(id)!.cursor]).toEqual(['paused', '2']);

    const second = new JobRunner(store);
    const seen: number[] = [];
    second.register<{ prefix: string }>('steps', async (ctx) => {
      seen.push(Number(ctx.cursor));
      await steps(5)(ctx);
    });
    expect(second.resumeUnfinished()).toEqual([id]);
    const job = await second.wait(id);
    expect([job.state, job.progressDone, seen]).toEqual(['done', 5, [2]]);
    expect([0, 1, 2, 3, 4].map((i) => store.settings.get(`s${i}`))).toEqual([0, 1, 2, 3, 4]);
    await second.dispose();
  });

  it('resumes a job a crash left "running" (nobody was running it)', async () => {
    const id = store.jobs.create('steps', { prefix: 'c' });
    store.jobs.setState(id, 'running');
    store.jobs.progress(id, 2, 5, '2');
    const runner = new JobRunner(store);
    runner.register('steps', steps(5));
    expect(runner.resumeUnfinished()).toEqual([id]);
    const job = await runner.wait(id);
    expect([job.state, store.settings.get('c1'), store.settings.get('c2')]).toEqual(['done', undefined, 2]);
    await runner.dispose();
  });
});
