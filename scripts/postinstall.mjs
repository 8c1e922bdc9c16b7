// Runs after `npm install` / `npm ci` of this project. It must never fail the install: every problem becomes a
// clear note instead (README "Electron offline").
//
// Job: provide Electron's type declarations at .cache/electron-types/electron.d.ts, which tsconfig.electron.json
// maps 'electron' to, so that main/index.ts and preload/ type-check whether or not the optional `electron` package
// could be installed. Source, in order: node_modules/electron (installed), the cached copy of the same version,
// else the same version's npm tarball (`npm pack electron@<version>`, the npm registry only).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const typesDir = path.join(root, '.cache', 'electron-types');
const typesFile = path.join(typesDir, 'electron.d.ts');
const stampFile = path.join(typesDir, 'VERSION');
const note = (line) => console.log(`pairscope postinstall: ${line}`);

function wantedElectronVersion() {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  return pkg.optionalDependencies.electron;
}

function installedElectron() {
  const pkgFile = path.join(root, 'node_modules', 'electron', 'package.json');
  if (!existsSync(pkgFile)) return null;
  const version = JSON.parse(readFileSync(pkgFile, 'utf8')).version;
  const hasBinary = existsSync(path.join(root, 'node_modules', 'electron', 'path.txt'));
  return { version, hasBinary, dts: path.join(root, 'node_modules', 'electron', 'electron.d.ts') };
}

function fetchDeclarations(version) {
  const work = mkdtempSync(path.join(tmpdir(), 'pairscope-electron-types-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const out = execFileSync(npm, ['pack', `electron@${version}`, '--pack-destination', work, '--silent'], {
      cwd: work,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
      shell: process.platform === 'win32',
    });
    const tarball = path.join(work, out.trim().split('\n').pop());
    execFileSync('tar', ['-xzf', tarball, '-C', work, 'package/electron.d.ts'], { stdio: 'ignore', timeout: 60_000 });
    copyFileSync(path.join(work, 'package', 'electron.d.ts'), typesFile);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function provideTypes() {
  const version = wantedElectronVersion();
  mkdirSync(typesDir, { recursive: true });
  const installed = installedElectron();
  if (installed && existsSync(installed.dts)) {
    copyFileSync(installed.dts, typesFile);
    writeFileSync(stampFile, `${installed.version}\n`);
    return `Electron ${installed.version} type declarations copied from node_modules/electron`;
  }
  if (existsSync(typesFile) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === version) {
    return `Electron ${version} type declarations already in .cache/electron-types`;
  }
  fetchDeclarations(version);
  writeFileSync(stampFile, `${version}\n`);
  return `Electron ${version} type declarations extracted from the npm tarball (npm pack)`;
}

try {
  note(provideTypes());
} catch (error) {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  note(`could not provide Electron's type declarations (${reason}).`);
  note(
    'Only "tsc -p tsconfig.electron.json" is affected; run "node scripts/postinstall.mjs" again once npm can reach its registry.',
  );
}

const electron = installedElectron();
if (!electron) {
  note('Electron is not installed: its binary could not be downloaded, so npm dropped this optional dependency.');
  note(
    '"npm start" opens Pairscope in a browser instead; run "npm install" with internet access for the desktop window.',
  );
} else if (!electron.hasBinary) {
  note(`Electron ${electron.version} is installed without its binary; "npm start" will use the browser host.`);
}
