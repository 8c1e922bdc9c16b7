/**
 * The Electron shell (DESIGN.md §1, §8) and nothing else: one window with context isolation, sandbox, no Node
 * integration and a strict CSP; a single-instance lock; the contract bound to IPC; the page and the library's photos
 * served by the `pairscope://app/` protocol exactly as the browser host serves them over HTTP (same paths, so the
 * renderer's URLs work unchanged). All behaviour lives behind the handlers, built by main/app-composition.ts.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BrowserWindow, app, ipcMain, protocol, session, shell } from 'electron';
import { createDispatcher } from './api-binding';
import { type AppComposition, openAppComposition } from './app-composition';
import { HEADER_ONLY_CSP, RENDERER_CSP } from './csp';
import { defaultLibraryPath } from './default-library';
import { EventHub } from './event-hub';
import { createHandlers } from './handlers';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './ipc-channels';
import { type MediaFileResolver, parseMediaRoute } from './server/media-route';
import { lookupStaticFile } from './server/static-files';

const SCHEME = 'pairscope';
const ORIGIN = `${SCHEME}://app`;
// Standard + secure: the page gets a real origin (so CSP 'self', fetch and relative URLs behave as over HTTP).
protocol.registerSchemesAsPrivileged([
  { scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

// `electron .` runs from the project folder, a packaged app from resources/app.asar; both hold electron-vite's out/.
const outDir = () => path.join(app.getAppPath(), 'out');
/**
 * The bundled default model: in a packaged app beside app.asar as plain files (electron-builder.yml
 * `extraResources` → resources/models), else the project's resources/models (as main/project-paths.ts names it).
 */
const bundleDir = () =>
  app.isPackaged
    ? path.join(process.resourcesPath, 'models', 'albef-emoji-small')
    : path.join(app.getAppPath(), 'resources', 'models', 'albef-emoji-small');

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Pairscope',
    show: false,
    webPreferences: {
      preload: path.join(outDir(), 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${ORIGIN}/index.html`);
  return win;
}

/** Only our own page may call the contract. */
function isOwnFrame(url: string | undefined): boolean {
  return url !== undefined && url.startsWith(`${ORIGIN}/`);
}

/** `pairscope://app/<path>`: the built renderer, or a photo of the open library; nothing else. */
function serveAppProtocol(mediaFiles: () => MediaFileResolver | null): void {
  protocol.handle(SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return new Response('unknown host', { status: 404 });
    const media = parseMediaRoute(url.pathname);
    if (media) {
      const found = (await mediaFiles()?.(media.variant, media.mediaId)) ?? null;
      if (!found) return new Response(`no ${media.variant} image for photo ${media.mediaId}`, { status: 404 });
      const bytes = await readFile(found.file).catch(() => null);
      if (!bytes) return new Response(`photo ${media.mediaId} is unreadable`, { status: 404 });
      return new Response(bytes, { headers: { 'Content-Type': found.contentType } });
    }
    const file = await lookupStaticFile(path.join(outDir(), 'renderer'), url.pathname);
    if (file.kind !== 'file')
      return new Response(file.kind === 'bad_path' ? file.reason : 'not found', { status: 404 });
    const headers: Record<string, string> = { 'Content-Type': file.contentType };
    if (file.contentType.startsWith('text/html')) {
      headers['Content-Security-Policy'] = `${RENDERER_CSP}; ${HEADER_ONLY_CSP}`;
    }
    return new Response(await readFile(file.filePath), { headers });
  });
}

function lockDownNavigation(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}

/** `npm start -- --library PATH` reaches Electron as `--library=PATH`. */
function libraryFromArgv(argv: string[]): string | null {
  const arg = argv.find((a) => a.startsWith('--library='));
  return arg ? path.resolve(arg.slice('--library='.length)) : null;
}

async function start(): Promise<void> {
  const events = new EventHub();
  let composition: AppComposition | null = null;
  serveAppProtocol(() => composition?.mediaFiles ?? null);
  lockDownNavigation();

  composition = await openAppComposition({
    host: 'electron',
    version: app.getVersion(),
    events,
    libraryPath: libraryFromArgv(process.argv) ?? defaultLibraryPath(),
    bundleDir: bundleDir(),
  });
  const dispatcher = createDispatcher(createHandlers(composition.ctx));
  ipcMain.handle(IPC_CALL_CHANNEL, (event, method: unknown, input: unknown) => {
    if (!isOwnFrame(event.senderFrame?.url)) {
      return {
        ok: false,
        error: { name: 'ApiError', code: 'forbidden', message: 'caller is not the Pairscope window' },
      };
    }
    return dispatcher.dispatch(String(method), input, { transport: 'ipc' });
  });
  events.subscribe((message) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, message);
    }
  });

  let mainWindow = createWindow();
  app.on('second-instance', () => {
    if (mainWindow.isDestroyed()) mainWindow = createWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let closing = false;
  app.on('will-quit', (event) => {
    if (closing || !composition) return;
    // Close the library (SQLite, index, workers) before the process ends; quit again once it is closed.
    event.preventDefault();
    closing = true;
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
    void composition
      .close()
      .catch((error: unknown) => console.error('pairscope: closing the library failed', error))
      .finally(() => {
        events.dispose();
        composition = null;
        app.quit();
      });
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error('pairscope: the Electron shell failed to start', error);
      app.exit(1);
    });
}
