// `npm start`: build what is needed, then open Pairscope in the Electron window when Electron can run here,
// otherwise in the browser host (main/server.ts) — printing the URL with its token and one line saying why.
//   npm start -- [--library PATH] [--port N] [--no-open]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

register();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const { values } = parseArgs({
  options: { library: { type: 'string' }, port: { type: 'string' }, 'no-open': { type: 'boolean' } },
  strict: true,
});

const { electronStatus, runningAsRoot } = await import('./electron-status.ts');
const { defaultLibraryPath } = await import('../main/default-library.ts');
// With no --library, every shell opens main/default-library.ts's choice: the demo library. On the first run it does
// not exist yet (data/ is not in git), so build it here: the demo photos from the installed packages
// (tools/dataset, about a minute) imported with the bundled model (`pairscope demo`, about 15 s).
// It also runs when the library exists: `pairscope demo` is a no-op (a second or two) when the library was built
// from the same demo source with the same bundle, and re-embeds it when the bundled model has changed since.
if (!values.library) ensureDemoLibrary(Boolean(defaultLibraryPath()));
const libraryPath = values.library ? path.resolve(values.library) : defaultLibraryPath();

function ensureDemoLibrary(exists) {
  console.log(
    exists
      ? 'Checking the demo library against the bundled model…'
      : 'First run: building the demo library (demo photos + the bundled model)…',
  );
  const steps = [
    [bin('tsx'), ['tools/dataset/build-demo-library-source.ts']],
    [process.execPath, ['bin/pairscope.js', 'demo']],
  ];
  const sourceReady = existsSync(path.join(root, 'data', 'demo', 'pairs.jsonl'));
  for (const [cmd, args] of sourceReady ? steps.slice(1) : steps) {
    const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) {
      // The app still opens (empty, with its import buttons); say what failed and how to retry.
      console.error(
        `pairscope: building the demo library failed ("${args.join(' ')}"); run "npx pairscope demo" to retry.`,
      );
      return;
    }
  }
}

function build(args) {
  const result = spawnSync(bin(args[0]), args.slice(1), { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`pairscope: "${args.join(' ')}" failed; see the output above.`);
    process.exit(result.status ?? 1);
  }
}

function whyNotElectron() {
  const status = electronStatus();
  if (!status.ok) return { reason: status.reason };
  if (process.platform === 'linux' && runningAsRoot()) {
    return { reason: "running as root, and Electron's Chromium sandbox refuses to start as root on Linux" };
  }
  return { executablePath: status.executablePath };
}

function canOpenBrowser() {
  if (values['no-open']) return { ok: false, why: '--no-open was given' };
  if (process.platform === 'darwin') return { ok: true, command: 'open', args: [] };
  if (process.platform === 'win32') return { ok: true, command: 'cmd', args: ['/c', 'start', '""'] };
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { ok: false, why: 'no display (headless)' };
  for (const candidate of ['/usr/bin/xdg-open', '/usr/bin/chromium', '/usr/bin/firefox']) {
    if (existsSync(candidate)) return { ok: true, command: candidate, args: [] };
  }
  return { ok: false, why: 'no browser found (xdg-open, chromium, firefox)' };
}

const choice = whyNotElectron();
if (choice.executablePath) {
  build(['electron-vite', 'build']);
  const args = [root, ...(libraryPath ? [`--library=${libraryPath}`] : [])];
  const child = spawn(choice.executablePath, args, { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  build(['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
  const { openNodeHost } = await import('../main/node-host.ts');
  const { newToken } = await import('../main/server/auth.ts');
  const port = values.port ? Number(values.port) : 0;
  const host = await openNodeHost({ port, token: newToken(), libraryPath });
  console.log(`Pairscope is running at ${host.browserHost.url}`);
  console.log(`Browser shell chosen because ${choice.reason}.`);
  const browser = canOpenBrowser();
  if (browser.ok) {
    const opener = spawn(browser.command, [...browser.args, host.browserHost.url], { detached: true, stdio: 'ignore' });
    opener.on('error', (error) => console.log(`(could not open a browser: ${error.message}; open the URL above)`));
    opener.unref();
  } else {
    console.log(`(not opening a browser: ${browser.why}; open the URL above)`);
  }
  const stop = async () => {
    await host.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
