/**
 * Value schemas shared by several areas of the contract (main/api.ts), so that the UI and the engine agree on units.
 * Layer: "common" — zod only (see main/api.ts).
 */
import { z } from 'zod';

/** Which transport a call came through; the renderer shows it in its status line. */
export const transportSchema = z.enum(['ipc', 'http']);
export type Transport = z.infer<typeof transportSchema>;

/** Milliseconds since the Unix epoch. */
export const epochMsSchema = z.number().int().nonnegative();

/** Pair review states (engine/store captions.review_state). */
export const reviewStateSchema = z.enum(['unreviewed', 'accepted', 'corrected', 'rejected']);

/** Search filters (issue #6): all optional; dates are ms since the epoch over EXIF date, else file mtime. */
export const mediaFilterSchema = z
  .object({
    folder: z.string().min(1).max(4096).optional(),
    takenFrom: epochMsSchema.optional(),
    takenTo: epochMsSchema.optional(),
    kinds: z.array(z.string().min(1).max(32)).max(32).optional(),
    reviewStates: z.array(reviewStateSchema).max(4).optional(),
  })
  .strict();

/** Longest query text accepted (the engine's MAX_QUERY_CHARS; ALBEF reads about 30 words). */
export const queryTextSchema = z.string().max(2000);

/** A background job's state (main/engine/jobs): `paused` jobs resume when the library is opened again. */
export const jobStateSchema = z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled']);
export const jobIdSchema = z.number().int().positive();
/** A file or folder path given by the UI. */
export const pathInputSchema = z.string().min(1).max(4096);
