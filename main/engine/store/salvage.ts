import Database from 'better-sqlite3';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreError } from './errors';
import { openLibraryDatabase } from './library-database';

/** Tables copied by a salvage, parents before children; derived data (graphs, revisions) is rebuilt instead. */
const TABLES = [
  'model_versions',
  'media',
  'captions',
  'corrections',
  'jobs',
  'job_errors',
  'settings',
  'features',
  'embeddings',
] as const;

export interface SalvageReport {
  /**
   * Per table: rows copied; `unreadableRegions`: places where pages could not be read and the copy skipped
   * ahead (their row count is unknown); `orphansDropped`: rows dropped because a row they refer to was lost.
   */
  tables: Record<string, { copied: number; unreadableRegions: number; orphansDropped: number }>;
}

/**
 * Copies every readable row of a damaged library (truncated, corrupt pages) into a new library, never
 * writing to the damaged file (DESIGN.md §8: nothing already stored is lost that can still be read).
 * Reads in rowid order; where a page cannot be read, skips ahead with a growing stride and resumes.
 * Rows whose parent was lost are dropped too and counted. The HNSW graphs are rebuilt on the next open.
 */
export function salvageLibrary(damaged: string, into: string): SalvageReport {
  if (existsSync(into)) throw new StoreError('INVALID_ROW', `salvage target ${into} exists; choose a new file`);
  const work = mkdtempSync(join(tmpdir(), 'pairscope-salvage-'));
  const copy = join(work, 'damaged.db');
  copyFileSync(damaged, copy); // SQLite may write -wal/-shm beside what it opens: only ever beside the copy
  if (existsSync(`${damaged}-wal`)) copyFileSync(`${damaged}-wal`, `${copy}-wal`); // committed rows not yet checkpointed
  let src: Database.Database | undefined;
  const target = openLibraryDatabase(into);
  const report: SalvageReport = { tables: {} };
  try {
    prepareCopy(copy);
    src = new Database(copy);
    const dst = target.db;
    dst.pragma('foreign_keys = OFF');
    for (const table of TABLES) {
      const columns = readColumns(src, table);
      if (!columns) continue; // table absent (older schema) or its schema page is gone
      const dstColumns = new Set((dst.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name));
      const shared = columns.filter((c) => dstColumns.has(c));
      const insert = dst.prepare(
        `INSERT OR IGNORE INTO ${table} (${shared.join(', ')}) VALUES (${shared.map((c) => `@${c}`).join(', ')})`,
      );
      const stats = { copied: 0, unreadableRegions: 0, orphansDropped: 0 };
      dst.transaction(() => {
        for (const row of readableRows(src!, table, shared, stats)) stats.copied += insert.run(row).changes;
      })();
      report.tables[table] = stats;
    }
    // Drop rows whose parents were lost, so that the new library is consistent; count them as lost.
    const orphans = dst.pragma('foreign_key_check') as { table: string; rowid: number }[];
    dst.transaction(() => {
      for (const o of orphans) {
        dst.prepare(`DELETE FROM ${o.table} WHERE rowid = ?`).run(o.rowid);
        const t = report.tables[o.table];
        if (t) {
          t.copied--;
          t.orphansDropped++;
        }
      }
    })();
    dst.pragma('foreign_keys = ON');
    return report;
  } finally {
    src?.close();
    target.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Prepares the private copy of a truncated file for reading:
 * - a partial last page is cut off: SQLite would zero-fill its missing tail and return those zeros as row
 *   data without noticing (pages carry no checksum), so its rows are better lost than silently altered;
 * - SQLite refuses a file shorter than the page count in its header. Making the header's "version-valid-for"
 *   (offset 92) differ from its change counter (offset 24) marks that count stale, so SQLite uses the real
 *   file size (https://www.sqlite.org/fileformat.html §1.3).
 */
function prepareCopy(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    const header = Buffer.alloc(100);
    if (readSync(fd, header, 0, 100, 0) < 100) return;
    const raw = header.readUInt16BE(16);
    const pageSize = raw === 1 ? 65536 : raw;
    const size = fstatSync(fd).size;
    if (pageSize >= 512 && size % pageSize !== 0) ftruncateSync(fd, size - (size % pageSize));
    const stale = Buffer.alloc(4);
    stale.writeUInt32BE((header.readUInt32BE(24) + 1) >>> 0);
    writeSync(fd, stale, 0, 4, 92);
  } finally {
    closeSync(fd);
  }
}

function readColumns(db: Database.Database, table: string): string[] | undefined {
  try {
    const cols = (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
    return cols.length ? cols : undefined;
  } catch {
    return undefined;
  }
}

function* readableRows(
  db: Database.Database,
  table: string,
  columns: string[],
  stats: { unreadableRegions: number },
): Generator<Record<string, unknown>> {
  const select = db.prepare(
    `SELECT rowid AS __rowid, ${columns.join(', ')} FROM ${table} WHERE rowid > ? ORDER BY rowid`,
  );
  let after = Number.MIN_SAFE_INTEGER;
  let stride = 1;
  let failing = false;
  // Skip ahead with a doubling stride past an unreadable region; give up once the stride has covered
  // far more ids than any library holds (2^40) without finding a readable row again.
  while (stride <= 2 ** 40) {
    try {
      for (const row of select.iterate(after) as Iterable<Record<string, unknown>>) {
        after = row.__rowid as number;
        stride = 1;
        failing = false;
        const { __rowid: _rowid, ...rest } = row;
        yield rest;
      }
      return;
    } catch {
      if (!failing) stats.unreadableRegions++;
      failing = true;
      if (after === Number.MIN_SAFE_INTEGER) after = 0;
      after += stride;
      stride *= 2;
    }
  }
}
