/**
 * Errors that leave the store have a stable shape ({ name, code, message }) so that callers on the
 * other side of a worker/IPC boundary match on `code`, never on `instanceof` (style.md §3).
 */
export type StoreErrorCode =
  | 'LIBRARY_LOCKED'
  | 'LIBRARY_TOO_NEW'
  | 'LIBRARY_TRUNCATED'
  | 'LIBRARY_CORRUPT'
  | 'LIBRARY_NOT_SQLITE'
  | 'MIGRATION_FAILED'
  | 'INVALID_ROW';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON(): { name: string; code: StoreErrorCode; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  if (typeof e !== 'object' || e === null) return false;
  const r = e as { name?: unknown; code?: unknown };
  return r.name === 'StoreError' && (code === undefined || r.code === code);
}
