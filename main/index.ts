/**
 * The Electron shell (DESIGN.md §1, §8) and nothing else: one window with context isolation, sandbox, no Node
 * integration and a strict CSP; a single-instance lock; the contract bound to IPC. All behaviour lives behind the
 * handlers (main/handlers), shared with the browser host.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, ipcMain, session, shell } from 'electron';
import { createDispatcher } from './api-binding';
import type { AppContext } from './app-context';
import { RENDERER_CSP } from './csp';
import { defaultLibraryPath } from './default-library';
import { EventHub } from './event-hub';
import { createHandlers } from './handlers';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './ipc-channels';

// Bundled to out/main/index.js; the preload and renderer builds sit beside it (electron.vite.config.ts).
const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rendererIndex = path.join(outDir, 'renderer', 'index.html');
const preloadFile = path.join(outDir, 'preload', 'index.cjs');

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Pairscope',
    show: false,
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadFile(rendererIndex);
  return win;
}

/** Only our own page may call the contract. */
function isOwnFrame(url: string | undefined): boolean {
  return url !== undefined && url.startsWith('file://') && fileURLToPath(url.split(/[?#]/)[0] ?? '') === rendererIndex;
}

/** `npm start -- --library PATH` reaches Electron as `--library=PATH`. */
function libraryFromArgv(argv: string[]): string | null {
  const arg = argv.find((a) => a.startsWith('--library='));
  return arg ? path.resolve(arg.slice('--library='.length)) : null;
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
  // The <meta> CSP covers file:// pages; the header covers anything else the session might load.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
}

function start(): void {
  const events = new EventHub();
  const ctx: AppContext = {
    version: app.getVersion(),
    host: 'electron',
    startedAt: Date.now(),
    libraryPath: libraryFromArgv(process.argv) ?? defaultLibraryPath(),
    events,
  };
  const dispatcher = createDispatcher(createHandlers(ctx));

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

  lockDownNavigation();
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
  app.on('will-quit', () => {
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
    events.dispose();
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(start);
}
