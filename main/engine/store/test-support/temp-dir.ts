import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** A fresh temp folder per test, removed afterwards (tests use real SQLite files, never mocks). */
export function makeTempDir(prefix = 'pairscope-store-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A test's own temp folder; a new one for every test, so read `dir` inside a test or hook only. */
export interface TempDir {
  readonly dir: string;
}

/** What a per-test accessor returns, or a clear error when it is read outside a test (at collection time). */
export function madePerTest<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is only there inside a test or its hooks (it is made per test)`);
  return value;
}

/**
 * Registers a beforeEach that makes a fresh temp folder (makeTempDir) and an afterEach that removes it, in the
 * calling test file or describe block. Call it before registering hooks that open things in the folder: vitest runs
 * "after" hooks in reverse order (sequence.hooks "stack", its default), so those close before the folder goes.
 */
export function useTempDir(prefix?: string): TempDir {
  let tmp: ReturnType<typeof makeTempDir> | undefined;
  beforeEach(() => {
    tmp = makeTempDir(prefix);
  });
  afterEach(() => {
    tmp?.remove();
    tmp = undefined;
  });
  return {
    get dir() {
      return madePerTest(tmp, 'the temp folder').dir;
    },
  };
}
