/**
 * Background jobs persisted in the library's `jobs` table (DESIGN §1 jobs/, style.md "Immich": the queue,
 * not the request handler, owns the work). One job runs at a time — embedding has one worker and SQLite one
 * writer — the rest wait in `queued`. A handler does its work in idempotent steps and commits each step with
 * `ctx.commit`, which writes the step's rows, the job's progress and its resume cursor in ONE transaction; so
 * after a crash the cursor never runs ahead of the data, and a resumed job redoes at most one uncommitted step,
 * whose rows are keyed so that redoing them changes nothing.
 *
 * @example
 *   const runner = new JobRunner(store, { onProgress: (p) => events.emit('job.progress', p) });
 *   runner.register('import-folder', (ctx) => importFolder(ctx, deps));
 *   const id = runner.enqueue('import-folder', { root: '/photos' });
 *   await runner.wait(id); runner.dispose();
 */
import type { Job, JobState } from '../store/job-queries';
import type { LibraryStore } from '../store/library-store';
import { RateMeter, type JobProgress } from './job-progress';

export interface JobContext<P = unknown> {
  readonly jobId: number;
  readonly params: P;
  /** The cursor of the last committed step, or null for a fresh job. */
  readonly cursor: string | null;
  readonly signal: AbortSignal;
  setTotal(total: number | null): void;
  /** In-memory progress for the UI (not persisted): e.g. the file being decoded now. */
  progress(done: number, currentFile?: string | null): void;
  /** Persists a per-file problem at once (idempotent per path). */
  reportError(path: string, reason: string): void;
  /** Runs `work` and records `done` and the cursor that `work` returns, in one transaction. */
  commit(done: number, work: () => string): void;
}

export type JobHandler<P = unknown> = (ctx: JobContext<P>) => Promise<void>;

export interface JobRunnerOptions {
  onProgress?: (p: JobProgress) => void;
  /** At most one progress event per interval, except state changes (default 250 ms). */
  progressIntervalMs?: number;
}

/** The shape of an error that crosses a boundary (style.md §3): matched on `code`. */
export interface JobErrorShape {
  name: string;
  code: string;
  message: string;
}

export function toJobErrorShape(e: unknown): JobErrorShape {
  const o = (typeof e === 'object' && e !== null ? e : {}) as Partial<JobErrorShape>;
  return {
    name: typeof o.name === 'string' ? o.name : 'Error',
    code: typeof o.code === 'string' ? o.code : 'JOB_FAILED',
    message: e instanceof Error ? e.message : String(e),
  };
}

interface Waiter {
  resolve: (job: Job) => void;
}

export class JobRunner {
  private readonly handlers = new Map<string, JobHandler<never>>();
  private readonly queue: number[] = [];
  private readonly waiters = new Map<number, Waiter[]>();
  private running: { id: number; abort: AbortController; done: Promise<void> } | null = null;
  private disposed = false;
  private pumping = false;

  constructor(
    private readonly store: LibraryStore,
    private readonly options: JobRunnerOptions = {},
  ) {}

  register<P>(kind: string, handler: JobHandler<P>): void {
    this.handlers.set(kind, handler as JobHandler<never>);
  }

  enqueue(kind: string, params: unknown): number {
    if (!this.handlers.has(kind))
      throw Object.assign(new Error(`unknown job kind "${kind}"`), { code: 'JOB_KIND_UNKNOWN' });
    const id = this.store.jobs.create(kind, params);
    this.queue.push(id);
    this.emit(this.store.jobs.byId(id)!, null, null);
    void this.pump();
    return id;
  }

  /**
   * Jobs a crash or a quit left `queued`, `running` or `paused` are queued again, oldest first; each picks up
   * at its cursor. Call once after opening the library. Returns their ids.
   */
  resumeUnfinished(): number[] {
    const ids = this.store.jobs
      .unfinished()
      .map((j) => j.id)
      .filter((id) => !this.queue.includes(id) && this.running?.id !== id);
    for (const id of ids) {
      this.store.jobs.setState(id, 'queued');
      this.queue.push(id);
    }
    void this.pump();
    return ids;
  }

  /** Cancels a queued or running job; a running one stops after its current step (its commits stay). */
  cancel(id: number): boolean {
    const job = this.store.jobs.byId(id);
    if (!job || job.state === 'done' || job.state === 'failed' || job.state === 'cancelled') return false;
    const q = this.queue.indexOf(id);
    if (q >= 0) {
      this.queue.splice(q, 1);
      this.finish(id, 'cancelled', null);
      return true;
    }
    if (this.running?.id === id) {
      this.running.abort.abort();
      return true;
    }
    // Unfinished from an earlier run and not resumed: nothing is running it.
    this.finish(id, 'cancelled', null);
    return true;
  }

  /** Resolves with the job's row once it is done, failed or cancelled, or paused by dispose(). */
  wait(id: number): Promise<Job> {
    const job = this.store.jobs.byId(id);
    if (!job) return Promise.reject(new Error(`no job ${id}`));
    if (job.state === 'done' || job.state === 'failed' || job.state === 'cancelled') return Promise.resolve(job);
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), { resolve }]));
  }

  list(limit = 50): (Job & { errorCount: number })[] {
    return this.store.ingest
      .recentJobIds(limit)
      .map((id) => ({ ...this.store.jobs.byId(id)!, errorCount: this.store.ingest.jobErrorCount(id) }));
  }

  get runningJobId(): number | null {
    return this.running?.id ?? null;
  }

  /**
   * Stops the running job after its current step and leaves it `paused`, so the next open resumes it.
   * Queued jobs stay queued. Await before closing the store.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    const r = this.running;
    if (r) {
      r.abort.abort('dispose');
      await r.done;
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.running && !this.disposed && this.queue.length > 0) {
        const id = this.queue.shift()!;
        const abort = new AbortController();
        const done = this.runOne(id, abort);
        this.running = { id, abort, done };
        await done;
        this.running = null;
      }
    } finally {
      this.pumping = false;
    }
  }

  private async runOne(id: number, abort: AbortController): Promise<void> {
    const job = this.store.jobs.byId(id)!;
    const handler = this.handlers.get(job.kind);
    if (!handler) {
      this.finish(id, 'failed', {
        name: 'JobError',
        code: 'JOB_KIND_UNKNOWN',
        message: `no handler for job kind "${job.kind}"`,
      });
      return;
    }
    this.store.jobs.setState(id, 'running');
    const meter = new RateMeter();
    let total = job.progressTotal;
    let done = job.progressDone;
    let currentFile: string | null = null;
    let lastEmit = 0;
    const interval = this.options.progressIntervalMs ?? 250;
    const emitNow = (force: boolean): void => {
      const now = Date.now();
      meter.note(done, now);
      if (!force && now - lastEmit < interval) return;
      lastEmit = now;
      this.emit({ ...job, state: 'running', progressDone: done, progressTotal: total }, meter, currentFile);
    };
    const ctx: JobContext<never> = {
      jobId: id,
      params: job.params as never,
      cursor: job.cursor,
      signal: abort.signal,
      setTotal: (t) => {
        total = t;
        this.store.jobs.progress(id, done, total, this.store.jobs.byId(id)!.cursor);
        emitNow(true);
      },
      progress: (d, file) => {
        done = d;
        if (file !== undefined) currentFile = file;
        emitNow(false);
      },
      reportError: (path, reason) => this.store.ingest.addJobError(id, path, reason),
      commit: (d, work) => {
        this.store.transaction(() => {
          const cursor = work();
          this.store.jobs.progress(id, d, total, cursor);
        });
        done = d;
        emitNow(false);
      },
    };
    emitNow(true);
    try {
      await handler(ctx);
      if (abort.signal.aborted)
        this.finish(id, abort.signal.reason === 'dispose' ? 'paused' : 'cancelled', null, meter);
      else this.finish(id, 'done', null, meter);
    } catch (e) {
      if (abort.signal.aborted)
        this.finish(id, abort.signal.reason === 'dispose' ? 'paused' : 'cancelled', null, meter);
      else this.finish(id, 'failed', toJobErrorShape(e), meter);
    }
  }

  private finish(id: number, state: JobState, error: JobErrorShape | null, meter: RateMeter | null = null): void {
    this.store.jobs.setState(id, state, error);
    const job = this.store.jobs.byId(id)!;
    this.emit(job, meter, null);
    // `paused` (the runner was disposed) also wakes waiters: they get a job that will resume at the next open.
    for (const w of this.waiters.get(id) ?? []) w.resolve(job);
    this.waiters.delete(id);
  }

  private emit(job: Job, meter: RateMeter | null, currentFile: string | null): void {
    if (!this.options.onProgress) return;
    const rate = meter?.rate() ?? null;
    this.options.onProgress({
      jobId: job.id,
      kind: job.kind,
      state: job.state,
      done: job.progressDone,
      total: job.progressTotal,
      rate,
      etaSeconds: job.state === 'running' ? (meter?.eta(job.progressDone, job.progressTotal) ?? null) : null,
      currentFile,
      errors: this.store.ingest.jobErrorCount(job.id),
    });
  }
}
