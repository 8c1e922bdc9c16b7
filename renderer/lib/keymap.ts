/**
 * Keyboard tables (issue #8 keyboard-first; issue #9 review keys): one row per shortcut says what to press, what
 * it does, and the action it triggers, so the help overlays (KeyTable.svelte) and the key handlers read the same
 * rows and cannot drift. Rows with no `press` are listed only (the grid handles arrows itself).
 */
export interface KeyBinding<A> {
  /** How the keys are written in the help table. */
  keys: string;
  what: string;
  /** `KeyboardEvent.key` values, prefixed `Ctrl+` (Ctrl or ⌘) and/or `Alt+` when held; case tells Shift apart. */
  press?: readonly string[];
  /** The action; a function when it depends on the key (e.g. "suggestion n" from the digit pressed). */
  action?: A | ((key: string) => A);
}

/** The press as written in `KeyBinding.press`: e.g. `/`, `Enter`, `C` (Shift+c), `Ctrl+z`. */
export function pressOf(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): string {
  return `${event.ctrlKey || event.metaKey ? 'Ctrl+' : ''}${event.altKey ? 'Alt+' : ''}${event.key}`;
}

/** Typing into a field is never a shortcut. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** The action bound to this key press in `table`, or null. */
export function actionFor<A>(
  table: ReadonlyArray<KeyBinding<A>>,
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>,
): A | null {
  const press = pressOf(event);
  const row = table.find((r) => r.press?.includes(press) && r.action !== undefined);
  if (!row) return null;
  return typeof row.action === 'function' ? (row.action as (key: string) => A)(event.key) : (row.action as A);
}
