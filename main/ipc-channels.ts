/**
 * Electron IPC channel names shared by main/index.ts and preload/index.ts. Layer: common, and deliberately free of
 * imports so the sandboxed preload bundle stays tiny.
 */
export const IPC_CALL_CHANNEL = 'pairscope:call';
export const IPC_EVENT_CHANNEL = 'pairscope:event';
