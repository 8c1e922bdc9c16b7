import { describe, expect, it } from 'vitest';
import { main } from './cli';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

describe('pairscope CLI', () => {
  it('lists every command of main/cli/ with its summary under --help', async () => {
    const { io, out } = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(out.join('\n')).toContain('Usage: pairscope <command> [options]');
    expect(out.join('\n')).toMatch(/\n {2}serve {8}serve the app to a browser on 127\.0\.0\.1/);
    expect(out.join('\n')).not.toContain('(broken:');
  });

  it('prints the overview and exits 2 when no command is given', async () => {
    const { io, out } = capture();
    expect(await main([], io)).toBe(2);
    expect(out.join('\n')).toContain('Commands:');
  });

  it('names an unknown command and exits 2', async () => {
    const { io, err } = capture();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/^pairscope: unknown command "frobnicate"\. Commands: .*serve/);
  });

  it('prints a command’s usage for <command> --help', async () => {
    const { io, out } = capture();
    expect(await main(['serve', '--help'], io)).toBe(0);
    expect(out.join('\n')).toContain('Usage: pairscope serve [--port N]');
  });

  it('rejects a bad option value naming the option, with usage, exit 2', async () => {
    const { io, err } = capture();
    expect(await main(['serve', '--port', '70000'], io)).toBe(2);
    expect(err.join('\n')).toContain('pairscope serve: --port must be an integer from 0 to 65535, got "70000"');
  });

  it('rejects an unknown option, exit 2', async () => {
    const { io, err } = capture();
    expect(await main(['serve', '--bogus'], io)).toBe(2);
    expect(err.join('\n')).toContain("Unknown option '--bogus'");
  });

  it('refuses a non-loopback bind address before doing any work, exit 1', async () => {
    const { io, err } = capture();
    expect(await main(['serve', '--host', '0.0.0.0'], io)).toBe(1);
    expect(err).toEqual([
      'pairscope serve: refusing to listen on "0.0.0.0": the browser host binds to 127.0.0.1 only (DESIGN.md §8)',
    ]);
  });
});
