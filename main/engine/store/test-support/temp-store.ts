import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { LibraryStore } from '../library-store';
import { madePerTest, useTempDir, type TempDir } from './temp-dir';

/** A test's own temp folder with a LibraryStore open on a real SQLite file in it. */
export interface TempStore extends TempDir {
  readonly store: LibraryStore;
}

/**
 * useTempDir plus a LibraryStore opened on lib.pairscope in the folder before each test (a real SQLite file, as
 * style.md asks of store tests) and closed after it, unless the test closed it itself.
 */
export function useTempStore(prefix?: string): TempStore {
  const tmp = useTempDir(prefix);
  let store: LibraryStore | undefined;
  beforeEach(() => {
    store = LibraryStore.open(join(tmp.dir, 'lib.pairscope'));
  });
  afterEach(() => {
    if (store && !store.isClosed) store.close();
    store = undefined;
  });
  return {
    get dir() {
      return tmp.dir;
    },
    get store() {
      return madePerTest(store, 'the temp store');
    },
  };
}
