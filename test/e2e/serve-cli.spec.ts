import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { expect, test } from '@playwright/test';

/** A port that was free a moment ago (the CLI must accept an explicit --port). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match) resolve(match[0]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`pairscope serve exited with ${code}:\n${seen}`)));
  });
}

test('`npx pairscope serve --port P --token T` serves the UI at http://127.0.0.1:P/?token=T', async ({ page }) => {
  const port = await freePort();
  const token = 'e2e-cli-token';
  // npx runs the project's own bin through a link in npm's npx cache (no download); --yes skips the prompt.
  // Own process group: npm does not pass SIGTERM on to the node process it starts, so the test signals the group.
  const child = spawn('npx', ['--yes', 'pairscope', 'serve', '--port', String(port), '--token', token], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  try {
    const line = await waitForLine(child, /Pairscope browser host: \S+/);
    expect(line).toBe(`Pairscope browser host: http://127.0.0.1:${port}/?token=${token}`);
    await page.goto(`http://127.0.0.1:${port}/?token=${token}`);
    await expect(page.getByTestId('transport')).toHaveText('transport: http');
    await expect(page.getByTestId('events-indicator')).toHaveAttribute('data-state', 'open');
  } finally {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
  }
  await new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
  const probe = () =>
    fetch(`http://127.0.0.1:${port}/?token=${token}`).then(
      () => 'serving',
      () => 'stopped',
    );
  await expect.poll(probe, { message: 'the host stops with its process', timeout: 5_000 }).toBe('stopped');
});
