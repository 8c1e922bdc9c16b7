/**
 * Recursive folder walk over byte paths (DESIGN §3 ingest "scan", §8 bad input).
 *
 * Yields every regular file below a root with its size/mtime/inode, and a `problem` for everything a person
 * should hear about: symlink loops, dangling links, entries that are not regular files (FIFOs, sockets,
 * devices — opening a FIFO would block the import forever), directories that cannot be listed.
 * Directories are identified by device+inode, so a loop through symlinks or a second link to the same
 * folder is walked once.
 *
 * @example for await (const e of walkFolder(Buffer.from('/photos'))) if (e.kind === 'file') console.log(e.key)
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { pathKey } from './path-key';

export interface WalkedFile {
  kind: 'file';
  /** Absolute path as bytes (what fs calls need). */
  path: Buffer;
  /** Path relative to the root, as a store key (see path-key.ts). */
  key: string;
  size: number;
  mtimeMs: number;
  ino: number;
  dev: number;
}

export interface WalkProblem {
  kind: 'problem';
  path: Buffer;
  key: string;
  code: 'symlink-loop' | 'dangling-link' | 'not-regular-file' | 'unreadable-dir' | 'stat-failed';
  reason: string;
}

export type WalkEntry = WalkedFile | WalkProblem;

export interface WalkOptions {
  /** Stop early (e.g. job cancelled). */
  signal?: AbortSignal;
  /** Entries to pass over silently (the library's own database and thumbnail cache inside a photo folder). */
  skip?: (path: Buffer) => boolean;
}

const SLASH = Buffer.from('/');

function join(a: Buffer, b: Buffer): Buffer {
  return a.length > 0 && a[a.length - 1] === 0x2f ? Buffer.concat([a, b]) : Buffer.concat([a, SLASH, b]);
}

function kindOf(s: Stats): string {
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? 'EUNKNOWN';
}

export async function* walkFolder(root: Buffer, options: WalkOptions = {}): AsyncGenerator<WalkEntry> {
  const rootStat = await stat(root);
  if (!rootStat.isDirectory()) throw Object.assign(new Error(`not a folder: ${root.toString()}`), { code: 'ENOTDIR' });
  const visited = new Set<string>([`${rootStat.dev}:${rootStat.ino}`]);
  // Each stack frame carries the chain of directory ids above it, to tell a loop (ancestor) from a second link.
  const stack: { dir: Buffer; rel: Buffer; ancestors: Set<string> }[] = [
    { dir: root, rel: Buffer.alloc(0), ancestors: new Set([`${rootStat.dev}:${rootStat.ino}`]) },
  ];
  while (stack.length > 0) {
    if (options.signal?.aborted) return;
    const { dir, rel, ancestors } = stack.pop()!;
    let names: Buffer[];
    try {
      names = await readdir(dir, { encoding: 'buffer' });
    } catch (e) {
      yield {
        kind: 'problem',
        path: dir,
        key: pathKey(rel),
        code: 'unreadable-dir',
        reason: `cannot list folder (${errCode(e)})`,
      };
      continue;
    }
    // Sorted so that progress and resume see files in a stable order.
    names.sort(Buffer.compare);
    const subdirs: typeof stack = [];
    for (const name of names) {
      const path = join(dir, name);
      if (options.skip?.(path)) continue;
      const relPath = rel.length > 0 ? join(rel, name) : name;
      const key = pathKey(relPath);
      let s: Stats;
      let viaLink = false;
      try {
        s = await lstat(path);
        if (s.isSymbolicLink()) {
          viaLink = true;
          s = await stat(path);
        }
      } catch (e) {
        const code = errCode(e);
        if (code === 'ELOOP')
          yield {
            kind: 'problem',
            path,
            key,
            code: 'symlink-loop',
            reason: 'symlink loop (ELOOP): the link resolves to itself',
          };
        else if (code === 'ENOENT' && viaLink)
          yield { kind: 'problem', path, key, code: 'dangling-link', reason: 'symlink points to nothing' };
        else if (code !== 'ENOENT')
          yield { kind: 'problem', path, key, code: 'stat-failed', reason: `cannot stat (${code})` };
        continue; // ENOENT without a link: the file vanished during the walk, nothing to report.
      }
      if (s.isDirectory()) {
        const id = `${s.dev}:${s.ino}`;
        if (ancestors.has(id)) {
          yield {
            kind: 'problem',
            path,
            key,
            code: 'symlink-loop',
            reason: 'symlink loop: the link points to a folder that contains it',
          };
        } else if (!visited.has(id)) {
          visited.add(id);
          subdirs.push({ dir: path, rel: relPath, ancestors: new Set([...ancestors, id]) });
        } // else: the same folder reached by a second link, already walked.
      } else if (s.isFile()) {
        yield { kind: 'file', path, key, size: s.size, mtimeMs: Math.floor(s.mtimeMs), ino: s.ino, dev: s.dev };
      } else {
        yield {
          kind: 'problem',
          path,
          key,
          code: 'not-regular-file',
          reason: `cannot be read as an image: ${kindOf(s)}`,
        };
      }
    }
    // Push in reverse so that folders are visited in name order.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
}
