/** The one place failures become words on screen (style.md "What to absorb" 3): match on `code`, never on class. */
import type { AppState } from './app-state.svelte';

export function handleError(state: AppState, context: string, error: unknown): void {
  state.notice = `${context}: ${describeError(error)}`;
}

/** A failure in words for a person (also used inline, e.g. next to a settings control). */
export function describeError(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
    const { code, message } = error as { code: string; message: string };
    switch (code) {
      case 'unauthorized':
        return 'this page is not authorised; open the URL printed by "pairscope serve" (it carries ?token=…)';
      case 'bad_request':
        return `the request was refused: ${message}`;
      default:
        return message;
    }
  }
  if (error instanceof TypeError) return 'cannot reach Pairscope (is "pairscope serve" still running?)';
  return error instanceof Error ? error.message : String(error);
}

/** The host has no library open: views say what to do instead of showing an error. */
export function isNotOpen(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'library_not_open';
}
