import { describe, expect, it, vi } from 'vitest';
import type { EventMessage } from './api';
import { EventHub } from './event-hub';

describe('EventHub', () => {
  it('delivers a valid event to every listener', () => {
    const hub = new EventHub();
    const a: EventMessage[] = [];
    const b: EventMessage[] = [];
    hub.subscribe((e) => a.push(e));
    hub.subscribe((e) => b.push(e));
    hub.emit('app.pinged', { message: 'm', at: 1, transport: 'ipc' });
    const expected = { name: 'app.pinged', payload: { message: 'm', at: 1, transport: 'ipc' } };
    expect(a).toEqual([expected]);
    expect(b).toEqual([expected]);
  });

  it('throws where a payload breaks its schema, naming event and field, and delivers nothing', () => {
    const hub = new EventHub();
    const seen: EventMessage[] = [];
    hub.subscribe((e) => seen.push(e));
    expect(() => hub.emit('app.pinged', { message: 'm', at: -5, transport: 'ipc' })).toThrow(
      'event "app.pinged": payload.at: Too small: expected number to be >=0',
    );
    expect(seen).toEqual([]);
  });

  it('keeps delivering to the others when one listener throws', () => {
    const hub = new EventHub();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: string[] = [];
    hub.subscribe(() => {
      throw new Error('window closed');
    });
    hub.subscribe((e) => seen.push(e.name));
    hub.emit('app.pinged', { message: 'm', at: 1, transport: 'http' });
    expect(seen).toEqual(['app.pinged']);
    expect(error).toHaveBeenCalledTimes(1);
    error.mockRestore();
  });

  it('stops delivering after unsubscribe and after dispose', () => {
    const hub = new EventHub();
    const seen: string[] = [];
    const off = hub.subscribe((e) => seen.push(`a:${e.name}`));
    hub.subscribe((e) => seen.push(`b:${e.name}`));
    off();
    hub.emit('app.pinged', { message: 'm', at: 1, transport: 'http' });
    hub.dispose();
    hub.emit('app.pinged', { message: 'm', at: 2, transport: 'http' });
    expect(seen).toEqual(['b:app.pinged']);
    expect(hub.listenerCount).toBe(0);
  });
});
