import Database from 'better-sqlite3';
import { StoreError, isStoreError } from './errors';
import { checkLibraryFile } from './file-header';
import { LibraryLock } from './library-lock';
import { migrate } from './migrate';
import { migrations as allMigrations } from './migrations/index';
import type { Migration } from './migrations/migration';

export interface OpenDatabaseOptions {
  /** Only for tests of the migration path: stop at an older schema. */
  migrations?: readonly Migration[];
}

export interface LibraryDatabase {
  readonly db: Database.Database;
  readonly file: string;
  readonly schemaVersion: number;
  close(): void;
}

/**
 * Opens one library file for this process alone: lock file (for the message), SQLite exclusive locking
 * (for the guarantee), WAL, foreign keys, migrations (DESIGN.md §5). Close order: db, then lock.
 */
export function openLibraryDatabase(file: string, options: OpenDatabaseOptions = {}): LibraryDatabase {
  checkLibraryFile(file);
  const lock = LibraryLock.acquire(file);
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    // NORMAL is durable against a killed process in WAL mode; only a power cut may lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.exec('BEGIN EXCLUSIVE; COMMIT;');
    const schemaVersion = migrate(db, file, options.migrations ?? allMigrations);
    const opened = db;
    let closed = false;
    return {
      db: opened,
      file,
      schemaVersion,
      close() {
        if (closed) return;
        closed = true;
        opened.close();
        lock.release();
      },
    };
  } catch (e) {
    db?.close();
    lock.release();
    throw translateSqliteError(e, file);
  }
}

/** Maps SQLite's damage codes to messages that name the file; leaves other errors untouched. */
export function translateSqliteError(e: unknown, file: string): unknown {
  if (isStoreError(e)) return e;
  const code = (e as { code?: string }).code ?? '';
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError(
      'LIBRARY_CORRUPT',
      `Library ${file} is damaged (${code}: ${(e as Error).message}). The file was left as it is; salvage ` +
        `the readable rows into a new library with salvageLibrary() / "pairscope salvage".`,
      { cause: e },
    );
  }
  if (code.startsWith('SQLITE_BUSY')) {
    // The lock file was missing or stale but SQLite's exclusive lock is held: the guarantee still holds.
    return new StoreError(
      'LIBRARY_LOCKED',
      `Library ${file} is held by another process (SQLite lock; its lock file was missing or stale).`,
      { cause: e },
    );
  }
  if (code === 'SQLITE_NOTADB') {
    return new StoreError('LIBRARY_NOT_SQLITE', `${file} is not a Pairscope library (${(e as Error).message}).`, {
      cause: e,
    });
  }
  return e;
}
