/**
 * Builds what the e2e tests run: the whole Electron app (main, preload, renderer) when Electron can run here,
 * else the renderer alone for the browser host. Always rebuilds, so the tests never see a stale bundle.
 */
import { execFileSync } from 'node:child_process';
import { electronStatus } from '../../scripts/electron-status';

export default function globalSetup(): void {
  const args = electronStatus().ok
    ? ['electron-vite', 'build']
    : ['vite', 'build', '--config', 'renderer/vite.config.ts'];
  execFileSync('npx', ['--no-install', ...args, '--logLevel', 'warn'], { stdio: 'inherit' });
}
