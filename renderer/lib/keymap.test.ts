import { describe, expect, it } from 'vitest';
import { REVIEW_KEYS, reviewKeyFor } from '../review/review-keys';
import { SHORTCUTS, shortcutFor } from './shortcuts';

/** A key press as the handlers see it; `tag` is the focused element's tag name. */
function press(key: string, mods: { ctrl?: boolean; tag?: string } = {}): KeyboardEvent {
  return {
    key,
    ctrlKey: mods.ctrl ?? false,
    metaKey: false,
    altKey: false,
    target: { tagName: mods.tag ?? 'DIV', isContentEditable: false },
  } as unknown as KeyboardEvent;
}

describe('keyboard tables (one row = what the help shows and what the key does)', () => {
  it('global shortcuts: each listed press triggers its action, typing in a field triggers none but Esc', () => {
    expect(['/', '?', 't', 'T', ',', 'Escape', 'x'].map((k) => shortcutFor(press(k)))).toEqual([
      'focus-search',
      'help',
      'theme',
      'theme',
      'settings',
      'close',
      null,
    ]);
    expect(shortcutFor(press('/', { tag: 'INPUT' }))).toBeNull();
    expect(shortcutFor(press('Escape', { tag: 'INPUT' }))).toBe('close');
    expect(shortcutFor(press('t', { ctrl: true }))).toBeNull();
    // Every row the help lists with an action is reachable by its own presses.
    for (const row of SHORTCUTS.filter((r) => r.press)) {
      for (const k of row.press!) expect(shortcutFor(press(k))).toBe(row.action);
    }
  });

  it('review keys: decisions, suggestions by digit, Shift for bulk, Ctrl+Z undo; none in a field or on a button', () => {
    expect(['Enter', 'c', 'x', '3', 'e', 's', 'u', 'C', 'X', '?', 'q'].map((k) => reviewKeyFor(press(k)))).toEqual([
      { kind: 'confirm' },
      { kind: 'confirm' },
      { kind: 'reject' },
      { kind: 'suggestion', n: 3 },
      { kind: 'edit' },
      { kind: 'skip' },
      { kind: 'undo' },
      { kind: 'bulk-confirm' },
      { kind: 'bulk-reject' },
      { kind: 'help' },
      null,
    ]);
    expect(reviewKeyFor(press('z', { ctrl: true }))).toEqual({ kind: 'undo' });
    expect(reviewKeyFor(press('c', { ctrl: true }))).toBeNull();
    expect(reviewKeyFor(press('c', { tag: 'TEXTAREA' }))).toBeNull();
    expect(reviewKeyFor(press('Enter', { tag: 'BUTTON' }))).toBeNull();
    expect(REVIEW_KEYS.every((r) => r.press && r.press.length > 0)).toBe(true);
  });
});
