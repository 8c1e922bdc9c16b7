/**
 * The trainer's boundary error: `{ name, code, message }`, matched on `code` (it crosses the worker and the
 * API boundaries as plain data).
 */
export type FineTuneErrorCode =
  'too-few-pairs' | 'all-rejected' | 'too-few-groups' | 'bad-input' | 'cancelled' | 'worker-failed';

export class FineTuneError extends Error {
  override readonly name = 'FineTuneError';
  constructor(
    readonly code: FineTuneErrorCode,
    message: string,
  ) {
    super(message);
  }

  toJSON(): { name: string; code: FineTuneErrorCode; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

export function isFineTuneError(e: unknown): e is { name: string; code: FineTuneErrorCode; message: string } {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { name?: unknown }).name === 'FineTuneError' &&
    typeof (e as { code?: unknown }).code === 'string'
  );
}
