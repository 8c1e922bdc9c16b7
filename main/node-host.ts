/**
 * Composition root of the browser host under plain Node (`pairscope serve`, `npm start` without Electron, e2e
 * tests): builds the context, the handlers and the HTTP/WebSocket transport, and owns them until `close()`.
 */
import { createDispatcher } from './api-binding';
import type { AppContext } from './app-context';
import { EventHub } from './event-hub';
import { createHandlers } from './handlers';
import { readProjectVersion, rendererBuildDir } from './project-paths';
import { type BrowserHost, startBrowserHost } from './server';

export interface NodeHostOptions {
  port: number;
  token: string;
  libraryPath: string | null;
  rendererRoot?: string;
  host?: string;
  maxBodyBytes?: number;
}

export interface NodeHost {
  readonly browserHost: BrowserHost;
  readonly events: EventHub;
  close(): Promise<void>;
}

export async function openNodeHost(options: NodeHostOptions): Promise<NodeHost> {
  const events = new EventHub();
  const ctx: AppContext = {
    version: readProjectVersion(),
    host: 'node',
    startedAt: Date.now(),
    libraryPath: options.libraryPath,
    events,
  };
  const browserHost = await startBrowserHost({
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    port: options.port,
    token: options.token,
    rendererRoot: options.rendererRoot ?? rendererBuildDir,
    dispatcher: createDispatcher(createHandlers(ctx)),
    events,
  });
  return {
    browserHost,
    events,
    async close() {
      // Reverse order of creation (style.md "What to absorb" 5).
      await browserHost.close();
      events.dispose();
    },
  };
}
