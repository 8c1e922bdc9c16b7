/**
 * Can the Electron shell run here, and if not, why not (one line a person can act on)? Used by scripts/start.mjs
 * to choose the shell, by test/e2e/electron.spec.ts to run or skip (with this reason) the Electron test, and by
 * scripts/pack.mjs to refuse packaging without Electron.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type ElectronStatus = { ok: true; executablePath: string } | { ok: false; reason: string };

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function electronStatus(env: NodeJS.ProcessEnv = process.env, platform = process.platform): ElectronStatus {
  const installed = electronInstalled();
  if (!installed.ok) return installed;
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  return installed;
}

/** Is the Electron package and its binary installed (what packaging needs; running it also needs a display)? */
export function electronInstalled(): ElectronStatus {
  const executablePath = electronBinary();
  if (executablePath === null) {
    return {
      ok: false,
      reason:
        'the optional "electron" package is not installed (its binary download failed, e.g. offline); see README "Electron offline"',
    };
  }
  if (!existsSync(executablePath)) {
    return {
      ok: false,
      reason: `the Electron binary is missing at ${executablePath}; run "npm install" with internet`,
    };
  }
  return { ok: true, executablePath };
}

/** Electron's own package exports the binary's path, and throws when its install did not finish. */
function electronBinary(): string | null {
  try {
    const loaded: unknown = createRequire(path.join(projectRoot, 'package.json'))('electron');
    return typeof loaded === 'string' ? loaded : null;
  } catch {
    return null;
  }
}

/** Electron (Chromium) refuses to start as root on Linux unless its sandbox is disabled. */
export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
