/**
 * Keyboard-first (issue #8): the global shortcuts, shown by the help overlay and acted on by `shortcutFor`.
 * Grid arrows/Enter are handled by the grid itself (they need its column count), M by the grid and lightbox.
 */
import { actionFor, isTypingTarget, type KeyBinding } from './keymap';

export type ShortcutAction = 'focus-search' | 'help' | 'close' | 'theme' | 'settings';

export const SHORTCUTS: ReadonlyArray<KeyBinding<ShortcutAction>> = [
  { keys: '/', what: 'Focus the search field', press: ['/'], action: 'focus-search' },
  { keys: '← → ↑ ↓', what: 'Move between photos in the grid' },
  { keys: 'Enter', what: 'Open the focused photo' },
  { keys: '← →  (in a photo)', what: 'Previous / next photo' },
  { keys: 'M', what: 'More like this (focused or open photo)' },
  { keys: 'Esc', what: 'Close the photo or panel; clear the image query', press: ['Escape'], action: 'close' },
  { keys: 'Ctrl+V', what: 'Search with an image from the clipboard' },
  { keys: 'T', what: 'Switch light / dark theme', press: ['t', 'T'], action: 'theme' },
  { keys: ',', what: 'Settings', press: [','], action: 'settings' },
  { keys: '?', what: 'This help', press: ['?'], action: 'help' },
];

/** The global action for a key press, or null; typing in a field never triggers one (except Esc). */
export function shortcutFor(event: KeyboardEvent): ShortcutAction | null {
  if (event.key === 'Escape') return 'close';
  if (isTypingTarget(event.target)) return null;
  return actionFor(SHORTCUTS, event);
}
