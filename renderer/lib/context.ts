/** The client and shell state travel to components through Svelte context, set once in App.svelte. */
import { getContext, setContext } from 'svelte';
import type { ApiClient } from './api-client';
import type { AppState } from './app-state.svelte';

const key = Symbol('pairscope');

export interface ShellContext {
  client: ApiClient;
  app: AppState;
}

export function setShellContext(value: ShellContext): void {
  setContext(key, value);
}

export function getShellContext(): ShellContext {
  const value = getContext<ShellContext | undefined>(key);
  if (!value) throw new Error('getShellContext() called outside <App>');
  return value;
}
