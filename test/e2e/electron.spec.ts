import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { electronStatus, runningAsRoot } from '../../scripts/electron-status';

const status = electronStatus();

test('the Electron app opens its window and talks to the engine over IPC', async () => {
  test.skip(!status.ok, status.ok ? '' : `Electron cannot run here: ${status.reason}`);
  if (!status.ok) return;
  const app = await electron.launch({
    executablePath: status.executablePath,
    // As root, Chromium refuses to start with its sandbox; tests may run as root in CI containers.
    // The project folder, so Electron reads package.json (name, version, main = out/main/index.js) like `npm start`.
    args: [...(runningAsRoot() ? ['--no-sandbox'] : []), path.resolve('.')],
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByTestId('transport')).toHaveText('transport: ipc');
    await expect(window.getByTestId('app-info')).toContainText('Pairscope 0.1.0 · electron');
    await window.getByRole('button', { name: 'Check connection' }).click();
    await expect(window.getByTestId('ping-reply')).toContainText('hello from the ipc client');
    await expect(window.getByTestId('events-indicator')).toHaveAttribute('data-count', '1');
    const exposed = await window.evaluate(() =>
      Object.keys(window).filter((key) => key === 'pairscope' || key === 'require'),
    );
    expect(exposed).toEqual(['pairscope']);
    await window.screenshot({ path: 'test-results/screenshots/electron-shell.png' });
  } finally {
    await app.close();
  }
});
