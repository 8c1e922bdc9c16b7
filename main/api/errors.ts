/**
 * The error shape of the contract (main/api.ts "Errors"): every failure that crosses the boundary is an
 * `ApiErrorShape` `{ name: 'ApiError', code, message, field? }`. Match on `code`, never on `instanceof`.
 */
import { z } from 'zod';

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
