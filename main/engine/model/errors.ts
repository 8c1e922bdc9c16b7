/**
 * The one error shape of the model runtime. It crosses worker and process boundaries as a plain
 * object, so callers match on `code`, never on `instanceof` (style.md: ky/zod habit).
 */
export type ModelErrorCode =
  | 'BUNDLE_MANIFEST_MISSING'
  | 'BUNDLE_MANIFEST_INVALID'
  | 'BUNDLE_FILE_MISSING'
  | 'BUNDLE_FILE_SIZE'
  | 'BUNDLE_CHECKSUM'
  | 'BUNDLE_VOCAB_INVALID'
  | 'HEADS_INVALID'
  | 'IMAGE_UNREADABLE'
  | 'IMAGE_EMPTY'
  | 'IMAGE_DECODE'
  | 'IMAGE_TOO_LARGE'
  | 'CAPTION_EMPTY'
  | 'CAPTION_TOO_LONG'
  | 'CAPTION_NOT_UTF8'
  | 'SESSION_CREATE'
  | 'SESSION_RUN'
  | 'SESSION_INPUT'
  | 'EMBEDDER_DISPOSED';

export interface ModelErrorShape {
  name: 'ModelError';
  code: ModelErrorCode;
  message: string;
}

export class ModelError extends Error implements ModelErrorShape {
  override readonly name = 'ModelError' as const;
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON(): ModelErrorShape {
    return { name: this.name, code: this.code, message: this.message };
  }
}

export function isModelError(value: unknown): value is ModelErrorShape {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'ModelError' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** Plain-object form for postMessage/JSON; keeps the code and the message, drops the stack. */
export function toModelErrorShape(err: unknown, fallback: ModelErrorCode): ModelErrorShape {
  if (isModelError(err)) return { name: 'ModelError', code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { name: 'ModelError', code: fallback, message };
}
