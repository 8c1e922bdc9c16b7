/** `search.*` and `searches.*` methods of the contract (main/api.ts): cross-modal search and saved searches. */
import { z } from 'zod';
import { mediaFilterSchema, queryTextSchema, reviewStateSchema } from './values';

/** One search result; `score` is what results are ordered and cut by (cosine, or calibrated p(match)). */
export const searchHitSchema = z.object({
  rank: z.number().int().positive(),
  path: z.string(),
  mediaId: z.number().int(),
  score: z.number(),
  cosine: z.number(),
  matchProbability: z.number().min(0).max(1).optional(),
  kind: z.string().optional(),
  takenAt: z.number().nullable().optional(),
  thumbKey: z.string().nullable().optional(),
  captionId: z.number().int().optional(),
  text: z.string().optional(),
  reviewState: reviewStateSchema.optional(),
});

/** A saved search, shown as an album in the sidebar. */
export const savedSearchSchema = z
  .object({
    name: z.string().min(1).max(200),
    text: queryTextSchema.optional(),
    minScore: z.number().min(-1).max(1).optional(),
    filter: mediaFilterSchema.optional(),
  })
  .strict();

export const searchMethods = {
  /**
   * Cross-modal search of the open library (issue #6): text → images, image → images (a library item or dropped
   * bytes), image → captions, text + image with an optional negative term; filters, paging, a cut-off, optional
   * ITM re-rank (scores become calibrated match probabilities). `noGoodMatch` says nothing passed the cut-off.
   */
  'search.query': {
    input: z
      .object({
        text: queryTextSchema.optional(),
        image: z
          .union([
            z.object({ libraryPath: z.string().min(1).max(4096) }).strict(),
            z.object({ file: z.string().min(1).max(4096) }).strict(),
            // A dropped file's bytes (base64), at most 48 MiB decoded.
            z
              .object({
                bytesBase64: z
                  .string()
                  .min(1)
                  .max(64 * 1024 * 1024),
                name: z.string().max(1024).optional(),
              })
              .strict(),
          ])
          .optional(),
        negativeText: queryTextSchema.optional(),
        weights: z
          .object({
            text: z.number().min(0).max(10),
            image: z.number().min(0).max(10),
            negative: z.number().min(0).max(10),
          })
          .partial()
          .strict()
          .optional(),
        target: z.enum(['images', 'captions']).optional(),
        filter: mediaFilterSchema.optional(),
        offset: z.number().int().min(0).max(10_000).optional(),
        limit: z.number().int().min(1).max(500).optional(),
        minScore: z.number().min(-1).max(1).optional(),
        rerank: z
          .union([z.boolean(), z.object({ topK: z.number().int().min(1).max(500).optional() }).strict()])
          .optional(),
      })
      .strict(),
    output: z.object({
      items: z.array(searchHitSchema),
      scoreKind: z.enum(['cosine', 'match-probability']),
      cutoff: z.number().nullable(),
      noGoodMatch: z.boolean(),
      total: z.number().int().nonnegative(),
      strategy: z.enum(['exact', 'hnsw', 'hnsw-filtered', 'exact-filtered']),
      tookMs: z.number().nonnegative(),
    }),
  },
  /** Saved searches (albums in the sidebar), stored in the library. */
  'searches.list': {
    input: z.object({}).strict(),
    output: z.object({ searches: z.array(savedSearchSchema) }),
  },
  /** Saves (or replaces, by name) a search; returns the new list. */
  'searches.save': {
    input: savedSearchSchema,
    output: z.object({ searches: z.array(savedSearchSchema) }),
  },
  'searches.remove': {
    input: z.object({ name: z.string().min(1).max(200) }).strict(),
    output: z.object({ searches: z.array(savedSearchSchema) }),
  },
} as const;
