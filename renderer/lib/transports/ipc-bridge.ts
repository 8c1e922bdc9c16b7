/** Transport over the Electron preload bridge (`window.pairscope`, see preload/index.ts). */
import type { PairscopeBridge } from '../../../main/api';
import type { ApiTransport } from '../api-client';

export function createIpcTransport(bridge: PairscopeBridge): ApiTransport {
  const unsubscribers = new Set<() => void>();
  return {
    kind: 'ipc',
    call: (method, input) => bridge.call(method, input as never),
    subscribe(listener) {
      const off = bridge.subscribe(listener);
      unsubscribers.add(off);
      return () => {
        unsubscribers.delete(off);
        off();
      };
    },
    watchState(listener) {
      listener('open');
      return () => {};
    },
    dispose() {
      for (const off of unsubscribers) off();
      unsubscribers.clear();
    },
  };
}
