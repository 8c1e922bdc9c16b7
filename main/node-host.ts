/**
 * Composition root of the browser host under plain Node (`pairscope serve`, `npm start` without Electron, e2e
 * tests): builds the context, the handlers and the HTTP/WebSocket transport, and owns them until `close()`.
 */
import { createDispatcher } from './api-binding';
import { openAppComposition } from './app-composition';
import { EventHub } from './event-hub';
import { createHandlers } from './handlers';
import { defaultBundleDir, readProjectVersion, rendererBuildDir } from './project-paths';
import { type BrowserHost, startBrowserHost } from './server';

export interface NodeHostOptions {
  port: number;
  token: string;
  libraryPath: string | null;
  rendererRoot?: string;
  host?: string;
  maxBodyBytes?: number;
  /** Model bundle to open the library with (default: resources/models/albef-emoji-small). */
  bundleDir?: string;
}

export interface NodeHost {
  readonly browserHost: BrowserHost;
  readonly events: EventHub;
  close(): Promise<void>;
}

export async function openNodeHost(options: NodeHostOptions): Promise<NodeHost> {
  const events = new EventHub();
  const app = await openAppComposition({
    host: 'node',
    version: readProjectVersion(),
    events,
    libraryPath: options.libraryPath,
    bundleDir: options.bundleDir ?? defaultBundleDir,
    bundleFromCommandLine: options.bundleDir !== undefined,
  });
  let browserHost: BrowserHost;
  try {
    browserHost = await startBrowserHost({
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
      port: options.port,
      token: options.token,
      rendererRoot: options.rendererRoot ?? rendererBuildDir,
      dispatcher: createDispatcher(createHandlers(app.ctx)),
      events,
      ...(app.mediaFiles ? { mediaFiles: app.mediaFiles } : {}),
    });
  } catch (error) {
    // A port in use must not leave the library open (and locked) behind.
    await app.close();
    events.dispose();
    throw error;
  }
  return {
    browserHost,
    events,
    async close() {
      // Reverse order of creation (style.md "What to absorb" 5).
      await browserHost.close();
      await app.close();
      events.dispose();
    },
  };
}
