/** `import.*` and `jobs.*` methods and the `job.progress` event of the contract (main/api.ts): background jobs. */
import { z } from 'zod';
import { epochMsSchema, jobIdSchema, jobStateSchema, pathInputSchema } from './values';

/** Counts of an import job (issue #7); `failed` counts bad files and rows, each listed by `jobs.get`. */
export const importCountsSchema = z.object({
  imported: z.number().int().nonnegative(),
  reused: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  ignored: z.number().int().nonnegative(),
  pairsImported: z.number().int().nonnegative(),
  pairsSkipped: z.number().int().nonnegative(),
});

/** What every view of a job says: which job, its state and how far it is (`total` null: not known yet). */
const jobFactsSchema = z.object({
  jobId: jobIdSchema,
  kind: z.string(),
  state: jobStateSchema,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative().nullable(),
});

export const jobSummarySchema = jobFactsSchema.extend({
  errors: z.number().int().nonnegative(),
  counts: importCountsSchema,
  createdAt: epochMsSchema,
  updatedAt: epochMsSchema,
});

export const jobsMethods = {
  /** Import a photo folder (recursive, incremental) as a background job; progress comes as `job.progress`. */
  'import.folder': {
    input: z.object({ root: pathInputSchema }).strict(),
    output: z.object({ jobId: jobIdSchema }),
  },
  /** Import a pairs file (CSV, JSONL, ALBEF/COCO/AliProducts JSON); images must lie under `roots` (default: its folder). */
  'import.pairs': {
    input: z.object({ file: pathInputSchema, roots: z.array(pathInputSchema).max(64).optional() }).strict(),
    output: z.object({ jobId: jobIdSchema }),
  },
  /** The most recent jobs, newest first. */
  'jobs.list': {
    input: z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(),
    output: z.object({ jobs: z.array(jobSummarySchema) }),
  },
  /** One job with every file or row it could not import and why. */
  'jobs.get': {
    input: z.object({ jobId: jobIdSchema }).strict(),
    output: jobSummarySchema.extend({
      failedFiles: z.array(z.object({ path: z.string(), reason: z.string() })),
      error: z.object({ name: z.string(), code: z.string(), message: z.string() }).nullable(),
    }),
  },
  /** Cancels a queued or running job; a running one stops after its current batch, keeping what it committed. */
  'jobs.cancel': {
    input: z.object({ jobId: jobIdSchema }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  },
} as const;

export const jobsEvents = {
  /** Progress of a background job (main/engine/jobs): at most ~4 per second while running, and one per state change. */
  'job.progress': jobFactsSchema.extend({
    /** Items per second over the last seconds of this run. */
    rate: z.number().nonnegative().nullable(),
    etaSeconds: z.number().nonnegative().nullable(),
    currentFile: z.string().nullable(),
    errors: z.number().int().nonnegative(),
  }),
} as const;
