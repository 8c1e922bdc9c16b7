import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs a TypeScript file in a separate Node process (real second process, for locks and crash tests). */
export function spawnTs(scriptUrl: URL, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', fileURLToPath(scriptUrl), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Resolves with the first stdout line matching `re`; rejects if the child exits first. */
export function waitForLine(child: ChildProcess, re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; stderr: ${err}`)), timeoutMs);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split('\n')) {
        const m = line.match(re);
        if (m) {
          clearTimeout(timer);
          resolve(m);
          return;
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) before ${re}; stderr: ${err}`));
    });
  });
}

export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
