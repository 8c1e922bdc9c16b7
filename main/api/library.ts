/** `library.*` and `media.*` methods of the contract (main/api.ts): the sidebar, the photo grid and the lightbox. */
import { z } from 'zod';
import { mediaFilterSchema, reviewStateSchema } from './values';

/** A folder and how many photos lie directly in it (roots: at any depth). */
export const folderCountSchema = z.object({ path: z.string(), count: z.number().int().nonnegative() });

/** One cell of the photo grid (issue #8): enough to draw it and to name it for a screen reader. */
export const mediaItemSchema = z.object({
  mediaId: z.number().int(),
  path: z.string(),
  kind: z.string(),
  takenAt: z.number().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  thumbKey: z.string().nullable(),
  caption: z.string().nullable(),
});

export const libraryMethods = {
  /** What the sidebar shows (issue #8): library roots, folders, pair collections (caption sources), media kinds. */
  'library.overview': {
    input: z.object({}).strict(),
    output: z.object({
      libraryPath: z.string(),
      total: z.number().int().nonnegative(),
      roots: z.array(folderCountSchema),
      folders: z.array(folderCountSchema),
      collections: z.array(z.object({ source: z.string(), count: z.number().int().nonnegative() })),
      kinds: z.array(z.string()),
    }),
  },
  /** A page of the photo grid with the search filters, newest first by default; thumbnails at `/media/grid/<id>`. */
  'media.list': {
    input: z
      .object({
        filter: mediaFilterSchema.optional(),
        order: z.enum(['newest', 'oldest', 'path']).optional(),
        offset: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    output: z.object({ items: z.array(mediaItemSchema), total: z.number().int().nonnegative() }),
  },
  /** Grid items by id, in the order asked (search hits are drawn with their pair's caption, issue #8). */
  'media.items': {
    input: z.object({ mediaIds: z.array(z.number().int().positive()).max(1000) }).strict(),
    output: z.object({ items: z.array(mediaItemSchema) }),
  },
  /** One photo for the lightbox: metadata and its captions, each with its image–text cosine (null: not embedded). */
  'media.get': {
    input: z.object({ mediaId: z.number().int().positive() }).strict(),
    output: z.object({
      mediaId: z.number().int(),
      path: z.string(),
      root: z.string(),
      kind: z.string(),
      size: z.number().int().nonnegative(),
      width: z.number().int().nullable(),
      height: z.number().int().nullable(),
      takenAt: z.number().nullable(),
      mtimeMs: z.number(),
      camera: z.string().nullable(),
      captions: z.array(
        z.object({
          captionId: z.number().int(),
          text: z.string(),
          source: z.string(),
          reviewState: reviewStateSchema,
          score: z.number().nullable(),
        }),
      ),
    }),
  },
} as const;
