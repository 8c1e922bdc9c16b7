import type Database from 'better-sqlite3';
import { StoreError } from './errors';
import type { Migration } from './migrations/migration';

/**
 * Brings a library to the newest schema: each pending migration runs in one transaction together with
 * its `user_version` bump, so a crash leaves the database at a whole version. A library written by a newer
 * Pairscope is refused by name instead of being half-understood (style.md, Signal's habit).
 */
export function migrate(db: Database.Database, file: string, all: readonly Migration[]): number {
  all.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order at ${m.name}: version ${m.version}`);
  });
  const latest = all.length;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new StoreError(
      'LIBRARY_TOO_NEW',
      `Library ${file} has schema version ${current}, written by a newer Pairscope; this version ` +
        `understands up to ${latest}. Open it with the newer version (the file was not changed).`,
    );
  }
  for (const m of all.slice(current)) {
    try {
      db.transaction(() => {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    } catch (e) {
      throw new StoreError(
        'MIGRATION_FAILED',
        `Library ${file}: migration ${m.version} (${m.name}) failed and was rolled back: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
  return latest;
}
