/**
 * THE contract between the UI and the engine (DESIGN.md §2): every request, response and event, typed once.
 *
 * Layer: "common" — this file may import only `zod`. No `node:*`, no `electron`, no DOM (lint-enforced),
 * because it is loaded by the Electron main process, the browser host, the preload and the renderer alike.
 *
 * ## Adding a method (a 2-place change)
 * 1. Declare it in `methods` below: `'area.verb': { input: z.object(...), output: z.object(...) }`.
 * 2. Implement it in the handlers of its area (`main/handlers/<area>.ts`, returned by `createHandlers`).
 *    `ApiHandlers` requires a handler for every method, so `npm run typecheck` fails until step 2 is done.
 * Both transports (Electron IPC in `main/index.ts`, HTTP + WebSocket in `main/server.ts`) and the renderer's client
 * pick the new method up with no further change. Inputs are validated before the handler runs and outputs after it
 * returns (`main/api-binding.ts`), so a handler receives parsed, typed data and may trust it.
 *
 * ## Adding an event (a 2-place change)
 * 1. Declare its payload in `events` below: `'area.happened': z.object(...)`.
 * 2. Emit it from a handler or job with `ctx.events.emit('area.happened', payload)` (see `main/event-hub.ts`).
 * The renderer subscribes with `client.on('area.happened', listener)`.
 *
 * ## Errors
 * Every failure that crosses the boundary is an `ApiErrorShape` `{ name: 'ApiError', code, message, field? }`.
 * Match on `code`, never on `instanceof` (the error has crossed a process boundary). Handlers throw
 * `new ApiError(code, message, field)` for failures a person can act on; anything else becomes `internal`.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------------------
// Shared value schemas: reuse these in method declarations so that the UI and the engine agree on units.

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

/** Longest query text accepted (the engine's MAX_QUERY_CHARS; ALBEF reads about 30 words). */
const queryTextSchema = z.string().max(2000);

/** A background job's state (main/engine/jobs): `paused` jobs resume when the library is opened again. */
const jobStateSchema = z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled']);
const jobIdSchema = z.number().int().positive();
const pathInputSchema = z.string().min(1).max(4096);

/** Counts of an import job (issue #7); `failed` counts bad files and rows, each listed by `jobs.get`. */
const importCountsSchema = z.object({
  imported: z.number().int().nonnegative(),
  reused: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  ignored: z.number().int().nonnegative(),
  pairsImported: z.number().int().nonnegative(),
  pairsSkipped: z.number().int().nonnegative(),
});

const jobSummarySchema = z.object({
  jobId: jobIdSchema,
  kind: z.string(),
  state: jobStateSchema,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative().nullable(),
  errors: z.number().int().nonnegative(),
  counts: importCountsSchema,
  createdAt: epochMsSchema,
  updatedAt: epochMsSchema,
});

/** A folder and how many photos lie directly in it (roots: at any depth). */
const folderCountSchema = z.object({ path: z.string(), count: z.number().int().nonnegative() });

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

/** A saved search, shown as an album in the sidebar. */
export const savedSearchSchema = z
  .object({
    name: z.string().min(1).max(200),
    text: queryTextSchema.optional(),
    minScore: z.number().min(-1).max(1).optional(),
    filter: mediaFilterSchema.optional(),
  })
  .strict();

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
const captionIdSchema = z.number().int().positive();

/** Held-out recall of a fine-tune (issue #10), fractions in [0, 1], both directions. */
const recallSchema = z.object({
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

// ---------------------------------------------------------------------------------------------------------------
// Methods: name → { input, output }. Names are `area.verb` in camelCase.

export const methods = {
  /** Facts about the running app: version, transport, runtime and the open library (if any). */
  'app.info': {
    input: z.object({}).strict(),
    output: z.object({
      name: z.literal('pairscope'),
      version: z.string(),
      transport: transportSchema,
      /** `electron` when the Electron shell runs the engine, `node` under the browser host / CLI. */
      host: z.enum(['electron', 'node']),
      node: z.string(),
      platform: z.string(),
      arch: z.string(),
      /** Absolute path of the open library, or null while none is open. */
      libraryPath: z.string().nullable(),
      startedAt: epochMsSchema,
    }),
  },
  /** Echo: proves a request round-trips through validation, handler and transport; emits `app.pinged`. */
  'app.ping': {
    input: z.object({ message: z.string().max(1000) }).strict(),
    output: z.object({ message: z.string(), receivedAt: epochMsSchema }),
  },
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
  /** Settings panel: the model bundle, providers available and the one each graph runs on, threads. */
  'settings.get': {
    input: z.object({}).strict(),
    output: z.object({
      bundleDir: z.string(),
      modelName: z.string(),
      available: z.array(z.string()),
      graphs: z.array(
        z.object({ graph: z.string(), provider: z.string(), precision: z.string(), fallbacks: z.array(z.string()) }),
      ),
      threads: z.number().int().positive(),
    }),
  },
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

// ---------------------------------------------------------------------------------------------------------------
// Events: name → payload schema. Pushed to every connected UI (webContents.send / WebSocket).

export const events = {
  /** Sent after every `app.ping`, to every connected UI: proves the event path end to end. */
  'app.pinged': z.object({ message: z.string(), at: epochMsSchema, transport: transportSchema }),
  /** Progress of a background job (main/engine/jobs): at most ~4 per second while running, and one per state change. */
  'job.progress': z.object({
    jobId: jobIdSchema,
    kind: z.string(),
    state: jobStateSchema,
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative().nullable(),
    /** Items per second over the last seconds of this run. */
    rate: z.number().nonnegative().nullable(),
    etaSeconds: z.number().nonnegative().nullable(),
    currentFile: z.string().nullable(),
    errors: z.number().int().nonnegative(),
  }),
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

// ---------------------------------------------------------------------------------------------------------------
// Types inferred from the tables above. Nothing below needs editing when a method or event is added.

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
/** One event as it travels over a transport. */
export type EventMessage = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

/** Per-call facts a handler may need (never the transport object itself). */
export interface CallContext {
  transport: Transport;
}

/** One handler per method; the binding validates input before and output after it. */
export type ApiHandlers = {
  [M in MethodName]: (input: MethodParsedInput<M>, call: CallContext) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

/**
 * Codes every transport knows. Engine areas add their own specific codes (e.g. `library_locked`,
 * `bundle_checksum`); those travel unchanged and map to HTTP 422.
 */
export const coreErrorCodes = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  unknown_method: 404,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  internal: 500,
  unavailable: 503,
} as const;
export type CoreErrorCode = keyof typeof coreErrorCodes;

export const apiErrorShapeSchema = z.object({
  name: z.literal('ApiError'),
  code: z.string(),
  message: z.string(),
  /** Dotted path of the offending field (`input.items[3].caption`) when one field is to blame. */
  field: z.string().optional(),
});
export type ApiErrorShape = z.infer<typeof apiErrorShapeSchema>;

/** HTTP status for an error code: core codes as listed, any other (domain) code is 422. */
export function httpStatusOf(code: string): number {
  return (coreErrorCodes as Record<string, number>)[code] ?? 422;
}

/** Throw this from a handler for a failure a person can act on; `message` names the file, row or field. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  toShape(): ApiErrorShape {
    return { name: 'ApiError', code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) };
  }
}

/** Recognises an error by shape, so it works after crossing IPC/HTTP (no `instanceof`). */
export function isApiErrorShape(value: unknown): value is ApiErrorShape {
  return apiErrorShapeSchema.safeParse(value).success;
}

/** What every transport carries back for a call. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorShape };

/** The object the Electron preload exposes as `window.pairscope` (see preload/index.ts). */
export interface PairscopeBridge {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<ApiResult<MethodOutput<M>>>;
  /** Registers a listener for every event; returns the function that removes it. */
  subscribe(listener: (event: EventMessage) => void): () => void;
}
