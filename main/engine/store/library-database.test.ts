import Database from 'better-sqlite3';
import { readFileSync, statSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStoreError } from './errors';
import { openLibraryDatabase } from './library-database';
import { LibraryStore } from './library-store';
import { MediaQueries } from './media-queries';
import { migrations } from './migrations/index';
import { spawnTs, waitForExit, waitForLine } from './test-support/child-process';
import { useTempDir } from './test-support/temp-dir';

const tmp = useTempDir();

function schemaOf(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare<[], { type: string; name: string; sql: string | null }>(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
      )
      .all()
      .map((r) => `${r.type} ${r.name}: ${(r.sql ?? '').replace(/\s+/g, ' ')}`);
  } finally {
    db.close();
  }
}

describe('library database', () => {
  it('opens a fresh library in WAL mode with foreign keys on, at the newest schema', () => {
    const store = LibraryStore.open(join(tmp.dir, 'lib.db'));
    expect(store.schemaVersion).toBe(migrations.length);
    store.close();
    const db = new Database(join(tmp.dir, 'lib.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    db.close();
  });

  it('upgrades a version-1 library to the same schema as a fresh one and keeps its rows', () => {
    const old = join(tmp.dir, 'old.db');
    // The store's queries need the newest schema; an old library is made with the database layer alone.
    const v1 = openLibraryDatabase(old, { migrations: migrations.slice(0, 1) });
    expect(v1.schemaVersion).toBe(1);
    const id = new MediaQueries(v1.db).upsert({
      path: '/p/a.jpg',
      root: '/p',
      contentHash: 'h1',
      size: 10,
      mtimeMs: 5,
      kind: 'jpeg',
    });
    v1.close();

    const s2 = LibraryStore.open(old);
    expect(s2.schemaVersion).toBe(migrations.length);
    expect(s2.media.byId(id)?.path).toBe('/p/a.jpg');
    s2.close();
    const fresh = join(tmp.dir, 'fresh.db');
    LibraryStore.open(fresh).close();
    expect(schemaOf(old)).toEqual(schemaOf(fresh));
    expect(schemaOf(fresh).length).toBeGreaterThan(10);
  });

  it('refuses a library written by a newer version, by name, without changing it', () => {
    const file = join(tmp.dir, 'new.db');
    LibraryStore.open(file).close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    const before = readFileSync(file);
    let caught: unknown;
    try {
      LibraryStore.open(file);
    } catch (e) {
      caught = e;
    }
    expect(isStoreError(caught, 'LIBRARY_TOO_NEW')).toBe(true);
    expect((caught as Error).message).toContain('schema version 99');
    expect((caught as Error).message).toContain(file);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('tells a second process which process holds the library, and lets it in once that one is killed', async () => {
    const file = join(tmp.dir, 'locked.db');
    const child = spawnTs(new URL('./test-support/hold-library.ts', import.meta.url), [file]);
    const [, pid] = (await waitForLine(child, /^opened (\d+)$/))!;
    let caught: unknown;
    try {
      LibraryStore.open(file);
    } catch (e) {
      caught = e;
    }
    expect(isStoreError(caught, 'LIBRARY_LOCKED')).toBe(true);
    expect((caught as Error).message).toContain(`process ${pid}`);

    child.kill('SIGKILL'); // no chance to remove its lock file: the next open must see it is stale
    await waitForExit(child);
    expect(existsSync(`${file}.lock`)).toBe(true);
    const store = LibraryStore.open(file);
    expect(store.media.count()).toBe(0);
    store.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('is refused by SQLite itself when the holder’s lock file has gone missing', async () => {
    const file = join(tmp.dir, 'locked2.db');
    const child = spawnTs(new URL('./test-support/hold-library.ts', import.meta.url), [file]);
    await waitForLine(child, /^opened \d+$/);
    writeFileSync(`${file}.lock`, 'garbage'); // unreadable lock: treated as stale, SQLite still guards
    let caught: unknown;
    try {
      LibraryStore.open(file);
    } catch (e) {
      caught = e;
    }
    child.stdin?.end();
    await waitForExit(child);
    expect(isStoreError(caught, 'LIBRARY_LOCKED')).toBe(true);
    expect((caught as Error).message).toContain('SQLite lock');
  });

  it('refuses the same library twice in one process', () => {
    const file = join(tmp.dir, 'twice.db');
    const a = LibraryStore.open(file);
    expect(() => LibraryStore.open(file)).toThrow(/already open in this process/);
    a.close();
  });

  it('names a truncated library file and leaves it untouched', () => {
    const file = join(tmp.dir, 'trunc.db');
    const s = LibraryStore.open(file);
    s.transaction(() => {
      for (let i = 0; i < 2000; i++) {
        s.media.upsert({ path: `/p/${i}.jpg`, root: '/p', contentHash: `h${i}`, size: i, mtimeMs: i, kind: 'jpeg' });
      }
    });
    s.close(); // checkpoints the WAL into the main file
    const full = statSync(file).size;
    truncateSync(file, Math.floor(full / 2));
    const before = readFileSync(file);
    let caught: unknown;
    try {
      LibraryStore.open(file);
    } catch (e) {
      caught = e;
    }
    expect(isStoreError(caught, 'LIBRARY_TRUNCATED')).toBe(true);
    expect((caught as Error).message).toContain(file);
    expect((caught as Error).message).toContain(`file has ${Math.floor(full / 2)} bytes`);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('says a file that is not a library is not one', () => {
    const file = join(tmp.dir, 'photo.jpg');
    writeFileSync(file, Buffer.alloc(4096, 0xff));
    expect(() => LibraryStore.open(file)).toThrow(/is not a Pairscope library/);
  });
});
