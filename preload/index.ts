/**
 * The sandboxed preload (DESIGN.md §2, §8): exposes exactly one frozen object, `window.pairscope`, implementing
 * `PairscopeBridge` from main/api.ts over two IPC channels. No Node or Electron object reaches the page.
 * Validation happens in the main process (main/api-binding.ts), so this file stays a thin, boring pipe.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventMessage, PairscopeBridge } from '../main/api';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../main/ipc-channels';

const bridge: PairscopeBridge = Object.freeze({
  call: (method, input) => ipcRenderer.invoke(IPC_CALL_CHANNEL, method, input),
  subscribe(listener: (event: EventMessage) => void) {
    const forward = (_event: IpcRendererEvent, message: EventMessage) => listener(message);
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
    };
  },
} satisfies PairscopeBridge);

contextBridge.exposeInMainWorld('pairscope', bridge);
