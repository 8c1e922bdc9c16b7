import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { StoreError } from './errors';

const MAGIC = 'SQLite format 3\0';

/**
 * Checks a library file's SQLite header before SQLite sees it, so that a truncated copy or a file that
 * is not a library gets a specific message instead of "database disk image is malformed" later
 * (DESIGN.md §8). Header layout: https://www.sqlite.org/fileformat.html §1.3. Reads 100 bytes; never writes.
 */
export function checkLibraryFile(file: string): void {
  if (!existsSync(file)) return;
  const size = statSync(file).size;
  if (size === 0) return; // an empty file is a fresh database to SQLite
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 100 || header.toString('latin1', 0, 16) !== MAGIC) {
    throw new StoreError(
      'LIBRARY_NOT_SQLITE',
      `${file} is not a Pairscope library (no SQLite header in its first ${Math.min(read, 100)} bytes).`,
    );
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pageCount = header.readUInt32BE(28);
  const headerCountValid = header.readUInt32BE(92) === header.readUInt32BE(24);
  // With a live WAL, pages may still sit in the -wal file; the in-header count then is not the whole story.
  const walSize = existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0;
  if (headerCountValid && walSize === 0 && pageCount > 0 && size < pageCount * pageSize) {
    throw new StoreError(
      'LIBRARY_TRUNCATED',
      `Library ${file} is truncated: its header says ${pageCount} pages of ${pageSize} bytes ` +
        `(${pageCount * pageSize} bytes) but the file has ${size} bytes. The file was left as it is; ` +
        `salvage the readable rows into a new library with salvageLibrary() / "pairscope salvage".`,
    );
  }
}
