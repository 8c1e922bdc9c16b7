// `npm run pack [-- electron-builder args]`: packages the desktop app with electron-builder (electron-builder.yml).
// Default targets are this OS's (Linux: AppImage + deb, macOS: dmg, Windows: NSIS); `npm run pack -- --dir` makes
// only the unpacked app. Refuses, with the reason, when the Electron binary is not installed: electron-builder
// needs it (and internet for Electron's release zip and target tools), which the offline build machines lack.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const { electronInstalled } = await import('./electron-status.ts');

function refuse(reason) {
  console.error(
    `pairscope pack: cannot package the desktop app here: ${reason}.\n` +
      'Packaging needs Node >= 22.12, the Electron binary and internet access (electron-builder downloads Electron ' +
      'and its packaging tools from GitHub). README "Packaging the desktop app".',
  );
  process.exit(1);
}

// electron-builder 26 rebuilds native modules with @electron/rebuild 4, which requires Node >= 22.12.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  refuse(`Node ${process.versions.node} is older than 22.12, which electron-builder's native rebuild requires`);
}
const electron = electronInstalled();
if (!electron.ok) refuse(electron.reason);

function run(cmd, args) {
  const result = spawnSync(bin(cmd), args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`pairscope pack: "${cmd} ${args.join(' ')}" failed; see the output above.`);
    process.exit(result.status ?? 1);
  }
}

run('electron-vite', ['build']);
run('electron-builder', ['--config', 'electron-builder.yml', ...process.argv.slice(2)]);
console.log(
  'pairscope pack: done, see dist/. better-sqlite3 in node_modules is now built for Electron; ' +
    'run "npm rebuild better-sqlite3" before using the CLI, the browser host or the tests again.',
);
