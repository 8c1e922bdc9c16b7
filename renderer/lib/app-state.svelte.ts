/**
 * Shell-wide UI state (Svelte 5 runes in a class, style.md "Immich"): what the status line and the side bar show.
 * Feature areas keep their own state classes beside their components.
 */
import type { EventName, MethodOutput } from '../../main/api';
import type { EventChannelState } from './api-client';

export type AppInfo = MethodOutput<'app.info'>;

export class AppState {
  info = $state<AppInfo | null>(null);
  channel = $state<EventChannelState>('connecting');
  eventCount = $state(0);
  lastEvent = $state<EventName | null>(null);
  /** The last failure a person should see, already worded for them (see handle-error.ts). */
  notice = $state<string | null>(null);
  query = $state('');
}
