/** Light and dark themes: follows the system until the person picks one; the choice is kept in this browser. */
import type { OverlayState, Theme } from './overlay-state.svelte';

const KEY = 'pairscope.theme';

export function initTheme(overlay: OverlayState, win: Window): void {
  const stored = win.localStorage.getItem(KEY);
  const system: Theme = win.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  applyTheme(overlay, stored === 'dark' || stored === 'light' ? stored : system, win, false);
}

export function applyTheme(overlay: OverlayState, theme: Theme, win: Window, remember = true): void {
  overlay.theme = theme;
  win.document.documentElement.dataset.theme = theme;
  if (remember) win.localStorage.setItem(KEY, theme);
}
