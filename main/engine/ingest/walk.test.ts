import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { walkFolder, type WalkEntry } from './walk';
import { displayPath, pathFromKey, pathKey } from './path-key';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'walk-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function collect(dir: string): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  for await (const e of walkFolder(Buffer.from(dir))) out.push(e);
  return out;
}

describe('walkFolder', () => {
  it('lists files of nested folders in name order with relative keys', async () => {
    mkdirSync(join(root, 'b/c'), { recursive: true });
    writeFileSync(join(root, 'z.txt'), 'z');
    writeFileSync(join(root, 'a.jpg'), 'aa');
    writeFileSync(join(root, 'b/c/d.png'), 'ddd');
    const entries = await collect(root);
    expect(entries.map((e) => [e.kind, e.key])).toEqual([
      ['file', 'a.jpg'],
      ['file', 'z.txt'],
      ['file', 'b/c/d.png'],
    ]);
    expect(entries.map((e) => (e.kind === 'file' ? e.size : -1))).toEqual([2, 1, 3]);
  });

  it('reports a symlink to an ancestor and a self-referencing link as loops, and walks each folder once', async () => {
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub/x.png'), 'x');
    symlinkSync('..', join(root, 'sub/up'));
    symlinkSync('self', join(root, 'self'));
    symlinkSync('sub', join(root, 'sub-again'));
    const entries = await collect(root);
    const problems = entries.filter((e) => e.kind === 'problem').map((e) => [e.key, e.kind === 'problem' && e.code]);
    expect(problems).toEqual([
      ['self', 'symlink-loop'],
      ['sub/up', 'symlink-loop'],
    ]);
    // sub and sub-again are the same folder: its file appears once.
    expect(entries.filter((e) => e.kind === 'file').map((e) => e.key)).toEqual(['sub/x.png']);
  });

  it('reports a FIFO and a dangling link instead of opening them', async () => {
    execFileSync('mkfifo', [join(root, 'pipe.jpg')]);
    symlinkSync('missing.png', join(root, 'dangling.png'));
    const entries = await collect(root);
    expect(entries.map((e) => (e.kind === 'problem' ? [e.key, e.code, e.reason] : [e.key]))).toEqual([
      ['dangling.png', 'dangling-link', 'symlink points to nothing'],
      ['pipe.jpg', 'not-regular-file', 'cannot be read as an image: a FIFO (named pipe)'],
    ]);
  });

  it('keeps a file name that is not valid UTF-8 as bytes, with a reversible key', async () => {
    const name = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x70, 0x6e, 0x67]); // "caf\xe9.png" in Latin-1
    writeFileSync(Buffer.concat([Buffer.from(root + '/'), name]), 'png');
    const [entry] = await collect(root);
    expect(entry?.kind).toBe('file');
    expect(entry!.key).toBe('\0x636166e92e706e67');
    expect(pathFromKey(entry!.key).equals(name)).toBe(true);
    expect(displayPath(entry!.key)).toBe('caf\\xe9.png');
    expect(pathKey(Buffer.from('naïve/日本.jpg'))).toBe('naïve/日本.jpg');
  });
});
