/**
 * Keyboard-first (issue #8): one table of shortcuts, shown by the help overlay and acted on by `shortcutFor`.
 * Grid arrows/Enter are handled by the grid itself (they need its column count); these are the global ones.
 */
export type ShortcutAction = 'focus-search' | 'help' | 'close' | 'theme' | 'settings';

export const SHORTCUTS: ReadonlyArray<{ keys: string; what: string }> = [
  { keys: '/', what: 'Focus the search field' },
  { keys: '← → ↑ ↓', what: 'Move between photos in the grid' },
  { keys: 'Enter', what: 'Open the focused photo' },
  { keys: '← →  (in a photo)', what: 'Previous / next photo' },
  { keys: 'M', what: 'More like this (focused or open photo)' },
  { keys: 'Esc', what: 'Close the photo or panel; clear the image query' },
  { keys: 'Ctrl+V', what: 'Search with an image from the clipboard' },
  { keys: 'T', what: 'Switch light / dark theme' },
  { keys: ',', what: 'Settings' },
  { keys: '?', what: 'This help' },
];

/** The global action for a key press, or null; typing in a field never triggers one (except Esc). */
export function shortcutFor(event: KeyboardEvent): ShortcutAction | null {
  if (event.key === 'Escape') return 'close';
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const target = event.target as HTMLElement | null;
  if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return null;
  switch (event.key) {
    case '/':
      return 'focus-search';
    case '?':
      return 'help';
    case 't':
    case 'T':
      return 'theme';
    case ',':
      return 'settings';
    default:
      return null;
  }
}
