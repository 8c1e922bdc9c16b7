/**
 * Composition root of the browser host under plain Node (`pairscope serve`, `npm start` without Electron, e2e
 * tests): builds the context, the handlers and the HTTP/WebSocket transport, and owns them until `close()`.
 */
import { createDispatcher } from './api-binding';
import type { AppContext } from './app-context';
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
  const ctx: AppContext = {
    version: readProjectVersion(),
    host: 'node',
    startedAt: Date.now(),
    libraryPath: options.libraryPath,
    events,
  };
  // The library (issue #8): one composition over one store, so imports are searchable as their batches commit.
  const library = options.libraryPath
    ? await (
        await import('./engine/library/open-library')
      ).openLibrary({
        library: options.libraryPath,
        bundleDir: options.bundleDir ?? defaultBundleDir,
        onProgress: (p) => events.emit('job.progress', p),
      })
    : null;
  if (library) {
    ctx.search = { query: (request) => library.search.search(request) };
    ctx.ingest = library.session.ingest;
    ctx.catalog = library.catalog;
  }
  const browserHost = await startBrowserHost({
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    port: options.port,
    token: options.token,
    rendererRoot: options.rendererRoot ?? rendererBuildDir,
    dispatcher: createDispatcher(createHandlers(ctx)),
    events,
    ...(library ? { mediaFiles: (variant, id) => library.catalog.fileFor(id, variant) } : {}),
  });
  return {
    browserHost,
    events,
    async close() {
      // Reverse order of creation (style.md "What to absorb" 5).
      await browserHost.close();
      await library?.close();
      events.dispose();
    },
  };
}
