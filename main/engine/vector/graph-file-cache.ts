import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hashFile, withTempGraphFile } from './graph-blob';

/**
 * The verified file copy of one stored graph (docs/library-store.md "Opening from the stored graph"). hnswlib
 * reads graphs only from files; keeping the last written one beside the library spares an open the blob read
 * out of SQLite and the temp file. The copy is used only when it hashes to the checksum stored with the blob.
 * Without a usable folder (none given, or read-only), graphs pass through private temp files instead.
 */
export class GraphFileCache {
  private dir: string | null;

  constructor(
    dir: string | null,
    private readonly name: string,
  ) {
    this.dir = dir;
  }

  /** The copy's path when it has exactly these bytes (length, then sha256); otherwise it is deleted and null. */
  verified(byteLength: number, checksum: string): string | null {
    const file = this.path();
    if (!file) return null;
    if (sizeOf(file) === byteLength && hashFile(file).checksum === checksum) return file;
    rmSync(file, { force: true });
    return null;
  }

  /**
   * Runs `fn` with a fresh path for a graph file. With a folder, a file `fn` finished with becomes the copy
   * (renamed into place, so a kill leaves the old copy or the new one, never half of one); without, it is a
   * temp file removed afterwards.
   */
  write<T>(fn: (file: string) => T): T {
    const file = this.path();
    if (!file) return withTempGraphFile(fn);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      const result = fn(tmp);
      renameSync(tmp, file);
      return result;
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  private path(): string | null {
    const dir = this.dir;
    if (dir === null) return null;
    try {
      mkdirSync(dir, { recursive: true });
      // Leftovers of a process killed while writing (a library is locked to one process, so none is live).
      for (const f of readdirSync(dir)) if (f.startsWith(`${this.name}.`) && f.endsWith('.tmp')) rmSync(join(dir, f));
    } catch {
      this.dir = null; // e.g. a read-only folder: work without the copy
      return null;
    }
    return join(dir, this.name);
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}
