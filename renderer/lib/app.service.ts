/** User actions of the app shell (style.md "Immich": actions are plain service functions, state lives in classes). */
import type { ApiClient } from './api-client';
import type { AppState } from './app-state.svelte';
import { handleError } from './handle-error';

export async function loadAppInfo(client: ApiClient, state: AppState): Promise<void> {
  try {
    state.info = await client.call('app.info', {});
  } catch (error) {
    handleError(state, 'Loading app info failed', error);
  }
}

/** Counts every event for the status line's indicator; returns the function that stops listening. */
export function watchEvents(client: ApiClient, state: AppState): () => void {
  const offState = client.watchState((channel) => (state.channel = channel));
  const offEvents = client.onAny((event) => {
    state.eventCount += 1;
    state.lastEvent = event.name;
  });
  return () => {
    offState();
    offEvents();
  };
}

export interface PingOutcome {
  message: string;
  roundTripMs: number;
}

export async function checkConnection(
  client: ApiClient,
  state: AppState,
  message: string,
): Promise<PingOutcome | null> {
  const started = performance.now();
  try {
    const reply = await client.call('app.ping', { message });
    state.notice = null;
    return { message: reply.message, roundTripMs: Math.round(performance.now() - started) };
  } catch (error) {
    handleError(state, 'Connection check failed', error);
    return null;
  }
}
