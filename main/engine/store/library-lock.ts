import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { StoreError } from './errors';

/** What a lock file says about its holder; shown to the person whose open was refused. */
export interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
  command: string;
}

/**
 * A lock file beside the library (`<library>.lock`) naming the process that holds it (DESIGN.md §5: "two
 * processes never write one library: the second one is told so"). The file gives the human message;
 * the hard guarantee is SQLite's exclusive locking mode taken in `library-database.ts`, which also covers the
 * rare race of two processes reclaiming the same stale lock at once.
 */
export class LibraryLock {
  private released = false;

  private constructor(readonly path: string) {}

  static acquire(libraryPath: string): LibraryLock {
    const path = `${libraryPath}.lock`;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o644);
        try {
          writeSync(fd, JSON.stringify(currentHolder()));
        } finally {
          closeSync(fd);
        }
        return new LibraryLock(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readHolder(path);
      if (holder && holderIsAlive(holder)) {
        const who = holder.pid === process.pid ? 'this process' : `process ${holder.pid}`;
        throw new StoreError(
          'LIBRARY_LOCKED',
          `Library ${libraryPath} is already open in ${who} (${holder.command}, host ${holder.hostname}, since ` +
            `${holder.startedAt}). Close it there first; the lock file is ${path}.`,
        );
      }
      // The holder is gone (crash, SIGKILL): move its lock aside atomically, then try again.
      try {
        renameSync(path, `${path}.stale-${process.pid}`);
        unlinkSync(`${path}.stale-${process.pid}`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    throw new StoreError('LIBRARY_LOCKED', `Library ${libraryPath}: could not take the lock file ${path}.`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      const holder = readHolder(this.path);
      if (holder?.pid === process.pid) unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function currentHolder(): LockHolder {
  return {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    command: process.argv.slice(1, 3).join(' ') || process.argv0,
  };
}

function readHolder(path: string): LockHolder | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof v.pid !== 'number' || !Number.isInteger(v.pid) || v.pid <= 0) return null;
    return {
      pid: v.pid,
      hostname: String(v.hostname ?? ''),
      startedAt: String(v.startedAt ?? '?'),
      command: String(v.command ?? '?'),
    };
  } catch {
    return null; // unreadable or half-written lock: treated as stale; SQLite's own lock still guards.
  }
}

function holderIsAlive(holder: LockHolder): boolean {
  // A pid on another host cannot be probed; trust the lock (a network share opened from two machines).
  if (holder.hostname !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
