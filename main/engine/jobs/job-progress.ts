/**
 * Progress figures a person reads while a job runs (issue #7: done/total, rate, ETA, current file, errors
 * so far). The rate is measured over this run only (a resumed job does not claim the speed of the run a
 * crash ended) and smoothed over a sliding window, so one slow batch does not swing the ETA.
 */
import type { JobState } from '../store/job-queries';

export interface JobProgress {
  jobId: number;
  kind: string;
  state: JobState;
  done: number;
  total: number | null;
  /** Items per second over the last few seconds of this run; null until measurable. */
  rate: number | null;
  etaSeconds: number | null;
  currentFile: string | null;
  errors: number;
}

export class RateMeter {
  private readonly samples: { t: number; done: number }[] = [];

  constructor(private readonly windowMs = 10_000) {}

  note(done: number, now = Date.now()): void {
    this.samples.push({ t: now, done });
    while (this.samples.length > 2 && now - this.samples[1]!.t > this.windowMs) this.samples.shift();
  }

  rate(): number | null {
    if (this.samples.length < 2) return null;
    const a = this.samples[0]!;
    const b = this.samples[this.samples.length - 1]!;
    const dt = (b.t - a.t) / 1000;
    return dt > 0 && b.done > a.done ? (b.done - a.done) / dt : null;
  }

  eta(done: number, total: number | null): number | null {
    const r = this.rate();
    return r === null || total === null ? null : Math.max(0, (total - done) / r);
  }
}
