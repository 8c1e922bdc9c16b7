/**
 * Fan-out of contract events (DESIGN.md §2) from the engine to every connected UI. Handlers and jobs call
 * `emit`; each transport subscribes once and forwards (Electron: webContents.send, browser host: WebSocket).
 * Layer: common. Payloads are validated on emit so that a bad payload fails where it was produced, not in the UI.
 */
import { type EventMessage, type EventName, type EventPayload, events } from './api';

export type EventListener = (event: EventMessage) => void;

export interface EventEmitter {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

export class EventHub implements EventEmitter {
  private readonly listeners = new Set<EventListener>();

  /** @throws Error naming the event and field when `payload` breaks the event's schema. */
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const parsed = events[name].safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue ? ['payload', ...issue.path.map(String)].join('.') : 'payload';
      throw new Error(`event "${name}": ${field}: ${issue?.message ?? 'invalid'}`);
    }
    const message = { name, payload: parsed.data } as EventMessage;
    for (const listener of [...this.listeners]) {
      try {
        listener(message);
      } catch (error) {
        // One broken subscriber (e.g. a closed window) must not starve the others.
        console.error(`pairscope: listener for "${name}" failed`, error);
      }
    }
  }

  /** Returns the function that removes the listener. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
