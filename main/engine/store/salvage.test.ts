import Database from 'better-sqlite3';
import { copyFileSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStoreError } from './errors';
import { LibraryStore } from './library-store';
import { salvageLibrary } from './salvage';
import { useTempDir } from './test-support/temp-dir';
import { randomUnitVector, rng, seedImages } from './test-support/seed';

const tmp = useTempDir('pairscope-salvage-');

function rows(file: string, sql: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

describe('salvageLibrary', () => {
  it('copies every readable row of a truncated library into a new one, exactly as stored, and leaves the damaged file alone', () => {
    const file = join(tmp.dir, 'lib.db');
    const store = LibraryStore.open(file);
    const mv = store.modelVersions.ensure({ name: 'm@1', embedDim: 8, featureDim: 8 }).id;
    const next = rng(3);
    seedImages(
      store,
      mv,
      Array.from({ length: 3000 }, () => randomUnitVector(8, next)),
    );
    store.settings.set('theme', 'dark');
    store.close();
    const pristine = join(tmp.dir, 'pristine.db');
    copyFileSync(file, pristine);
    truncateSync(file, Math.floor(statSync(file).size * 0.6));
    const damagedBytes = readFileSync(file);

    expect(() => LibraryStore.open(file)).toThrow(/is truncated/);
    const out = join(tmp.dir, 'salvaged.db');
    const report = salvageLibrary(file, out);
    expect(readFileSync(file).equals(damagedBytes)).toBe(true);

    const salvagedMedia = rows(out, 'SELECT * FROM media ORDER BY id') as { id: number }[];
    expect(salvagedMedia.length).toBeGreaterThan(0);
    expect(salvagedMedia.length).toBeLessThanOrEqual(3000);
    expect(report.tables.media!.copied).toBe(salvagedMedia.length);
    expect(report.tables.media!.unreadableRegions).toBeGreaterThanOrEqual(1);
    // Every salvaged row is byte-for-byte the row that was stored.
    const original = new Map((rows(pristine, 'SELECT * FROM media') as { id: number }[]).map((r) => [r.id, r]));
    for (const r of salvagedMedia) expect(r).toEqual(original.get(r.id));
    const originalVectors = new Map(
      (rows(pristine, 'SELECT id, data FROM embeddings') as { id: number; data: Buffer }[]).map((r) => [r.id, r.data]),
    );
    for (const r of rows(out, 'SELECT id, data FROM embeddings') as { id: number; data: Buffer }[]) {
      expect(r.data.equals(originalVectors.get(r.id)!)).toBe(true);
    }

    // The salvaged library opens, is consistent, and its index is rebuilt from what survived.
    expect(rows(out, 'PRAGMA foreign_key_check')).toEqual([]);
    const again = LibraryStore.open(out);
    expect(again.modelVersions.byName('m@1')?.embedDim).toBe(8);
    again.close();
  });

  it('refuses to overwrite an existing file', () => {
    const file = join(tmp.dir, 'a.db');
    LibraryStore.open(file).close();
    let caught: unknown;
    try {
      salvageLibrary(file, file);
    } catch (e) {
      caught = e;
    }
    expect(isStoreError(caught)).toBe(true);
    expect((caught as Error).message).toBe(`salvage target ${file} exists; choose a new file`);
  });
});
