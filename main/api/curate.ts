/** `review.*` methods of the contract (main/api.ts): the curation review queue and its correction events. */
import { z } from 'zod';
import { epochMsSchema, jobIdSchema, reviewStateSchema } from './values';

/** Review (issue #9): the noise score's parts (main/engine/curate/noise-score.ts), each suspicion in [0, 1]. */
export const noisePartsSchema = z.object({
  itm: z.number().nullable(),
  captionRankPart: z.number(),
  imageRankPart: z.number(),
  momentum: z.number(),
  matchProbability: z.number().nullable(),
  captionRank: z.number().int().positive(),
  imageRank: z.number().int().positive(),
  pseudoTargetMass: z.number(),
  cosine: z.number(),
  ownCaptionLoss: z.number(),
});

/** One pair of the review queue, with the model's suggested captions (pseudo-targets) and nearest images. */
export const reviewEntrySchema = z.object({
  captionId: z.number().int(),
  mediaId: z.number().int(),
  path: z.string(),
  thumbKey: z.string().nullable(),
  caption: z.string(),
  originalCaption: z.string(),
  reviewState: reviewStateSchema,
  score: z.number().min(0).max(1),
  parts: noisePartsSchema,
  stale: z.boolean(),
  skipped: z.boolean(),
  suggestions: z.array(z.object({ text: z.string(), captionId: z.number().int(), probability: z.number() })),
  similarImages: z.array(
    z.object({ mediaId: z.number().int(), path: z.string(), thumbKey: z.string().nullable(), cosine: z.number() }),
  ),
});

/** A correction event as stored (never overwritten; an undo is an event pointing at the one it reverses). */
export const correctionEventSchema = z.object({
  id: z.number().int(),
  captionId: z.number().int(),
  action: z.enum(['accept', 'edit', 'reject', 'restore', 'suggest', 'skip', 'undo']),
  oldText: z.string(),
  newText: z.string(),
  oldState: reviewStateSchema.nullable(),
  newState: reviewStateSchema.nullable(),
  suggestion: z.number().int().nullable(),
  undoes: z.number().int().nullable(),
  author: z.string(),
  createdAt: epochMsSchema,
});
export const captionIdSchema = z.number().int().positive();

export const curateMethods = {
  /**
   * The review queue (issue #9): pairs in order of suspicion (noise score, highest first; skipped pairs last), by
   * default only unreviewed ones. `scoring` says a scoring job is queued or running; `scored` of `pairs` are scored.
   */
  'review.queue': {
    input: z
      .object({
        offset: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(500).optional(),
        states: z.array(reviewStateSchema).max(4).optional(),
      })
      .strict(),
    output: z.object({
      items: z.array(reviewEntrySchema),
      total: z.number().int().nonnegative(),
      scored: z.number().int().nonnegative(),
      pairs: z.number().int().nonnegative(),
      scoring: z.boolean(),
    }),
  },
  /** One review action on a pair, stored as a correction event: confirm, reject, suggestion k (1–5), edit, skip. */
  'review.act': {
    input: z
      .object({
        captionId: captionIdSchema,
        action: z.enum(['confirm', 'reject', 'suggestion', 'edit', 'skip']),
        suggestion: z.number().int().min(1).max(5).optional(),
        text: z.string().max(2000).optional(),
      })
      .strict(),
    output: z.object({ event: correctionEventSchema }),
  },
  /** Undoes the latest effective event (of one pair, or of the library) with an `undo` event. */
  'review.undo': {
    input: z.object({ captionId: captionIdSchema.optional() }).strict(),
    output: z.object({ event: correctionEventSchema, undone: correctionEventSchema }),
  },
  /** Confirms or rejects a selection of pairs in one step (one event per pair). */
  'review.bulk': {
    input: z
      .object({ captionIds: z.array(captionIdSchema).min(1).max(10_000), action: z.enum(['confirm', 'reject']) })
      .strict(),
    output: z.object({ events: z.array(correctionEventSchema) }),
  },
  /** Correction events in id order after `afterId` (or of one pair). */
  'review.events': {
    input: z
      .object({
        afterId: z.number().int().min(0).optional(),
        captionId: captionIdSchema.optional(),
        limit: z.number().int().min(1).max(10_000).optional(),
      })
      .strict(),
    output: z.object({ events: z.array(correctionEventSchema) }),
  },
  /** Queues a fresh scoring run of every pair with the current model version; progress comes as `job.progress`. */
  'review.rescore': {
    input: z.object({}).strict(),
    output: z.object({ jobId: jobIdSchema }),
  },
} as const;
