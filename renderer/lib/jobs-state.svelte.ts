/** The jobs tray (issue #8, digiKam's background-job tray): every job seen this session and its last progress. */
import type { EventPayload } from '../../main/api';

export type JobProgress = EventPayload<'job.progress'>;

export class JobsState {
  jobs = $state.raw<JobProgress[]>([]);
  importPath = $state('');

  put(p: JobProgress): void {
    const rest = this.jobs.filter((j) => j.jobId !== p.jobId);
    this.jobs = [p, ...rest].sort((a, b) => b.jobId - a.jobId).slice(0, 20);
  }

  get running(): JobProgress[] {
    return this.jobs.filter((j) => j.state === 'running' || j.state === 'queued');
  }
}

/** "2 min 5 s" — how long a person waits, rounded the way they read it. */
export function formatEta(seconds: number | null): string {
  if (seconds === null) return 'estimating…';
  if (seconds < 60) return `${Math.ceil(seconds)} s left`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds % 60)} s left`;
}
