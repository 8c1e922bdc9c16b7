import type Database from 'better-sqlite3';

/** Library-level settings as JSON values (e.g. the ITM calibration of a model version). */
export class SettingQueries {
  private readonly getStmt;
  private readonly setStmt;

  constructor(db: Database.Database) {
    this.getStmt = db.prepare<[string], { value_json: string }>('SELECT value_json FROM settings WHERE key = ?');
    this.setStmt = db.prepare(`
      INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`);
  }

  get(key: string): unknown {
    const r = this.getStmt.get(key);
    return r === undefined ? undefined : (JSON.parse(r.value_json) as unknown);
  }

  set(key: string, value: unknown, now = Date.now()): void {
    this.setStmt.run(key, JSON.stringify(value), now);
  }
}
