/** `finetune.*` and `versions.*` methods and the `finetune.progress` event of the contract (main/api.ts). */
import { z } from 'zod';
import { epochMsSchema, jobIdSchema } from './values';

/** Held-out recall of a fine-tune (issue #10), fractions in [0, 1], both directions. */
export const recallSchema = z.object({
  i2t: z.object({ r1: z.number(), r5: z.number(), r10: z.number() }),
  t2i: z.object({ r1: z.number(), r5: z.number(), r10: z.number() }),
  images: z.number().int().nonnegative(),
  texts: z.number().int().nonnegative(),
});

/** One model version of a library: the bundle's (no recall) or a fine-tune's (before/after held-out recall). */
export const modelVersionSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  parentId: z.number().int().nullable(),
  createdAt: epochMsSchema,
  active: z.boolean(),
  before: recallSchema.optional(),
  after: recallSchema.optional(),
});

export const finetuneMethods = {
  /** Starts a fine-tune of the open library (issue #10) as a background job: `job.progress` and `finetune.progress`. */
  'finetune.start': {
    input: z
      .object({ epochs: z.number().int().min(1).max(10_000).optional(), seed: z.number().int().min(0).optional() })
      .strict(),
    output: z.object({ jobId: jobIdSchema }),
  },
  /** Cancels a fine-tune; the active model version stays as it was. */
  'finetune.cancel': {
    input: z.object({ jobId: jobIdSchema }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  },
  /** The library's model versions (the bundle's and each fine-tune), the active one marked. */
  'versions.list': {
    input: z.object({}).strict(),
    output: z.object({ versions: z.array(modelVersionSchema) }),
  },
  /** Makes an earlier (or later) version active again: its stored embeddings, nothing recomputed. */
  'versions.rollback': {
    input: z.object({ version: z.string().min(1).max(256) }).strict(),
    output: z.object({ active: modelVersionSchema }),
  },
} as const;

export const finetuneEvents = {
  /** Fine-tune progress (issue #10): loss points since the last event, for the live curve, and the ETA. */
  'finetune.progress': z.object({
    jobId: jobIdSchema,
    step: z.number().int().nonnegative(),
    totalSteps: z.number().int().nonnegative(),
    etaSeconds: z.number().nonnegative(),
    points: z.array(
      z.object({
        step: z.number(),
        total: z.number(),
        itc: z.number(),
        kd: z.number(),
        lr: z.number(),
        alpha: z.number(),
        temp: z.number(),
      }),
    ),
  }),
} as const;
