/// <reference types="svelte" />
import type { PairscopeBridge } from '../main/api';

declare global {
  interface Window {
    /** Present only inside the Electron shell (preload/index.ts). */
    readonly pairscope?: PairscopeBridge;
  }
}

export {};
