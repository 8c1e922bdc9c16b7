import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LibraryStore } from '../store/library-store';
import { spawnTs, waitForExit } from '../store/test-support/child-process';
import { randomUnitVector, rng, seedImages } from '../store/test-support/seed';
import { useTempDir } from '../store/test-support/temp-dir';
import { defaultGraphCacheDir } from './graph-blob';
import { VectorIndex } from './vector-index';

const TOTAL = 12_000;
const BATCH = 200;
const DIM = 16;

const tmp = useTempDir();

describe('crash safety', () => {
  it('a writer SIGKILLed mid bulk-insert leaves a consistent library; repeating the insert adds no duplicates', async () => {
    const file = join(tmp.dir, 'crash.db');
    const child = spawnTs(new URL('./test-support/bulk-writer.ts', import.meta.url), [
      file,
      String(TOTAL),
      String(BATCH),
      String(DIM),
    ]);
    let lastCommitted = 0;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const lines = out.split('\n');
        out = lines.pop()!;
        for (const l of lines) {
          const m = /^committed (\d+)$/.exec(l);
          if (m) lastCommitted = Number(m[1]);
          // Kill somewhere past a few persisted graphs, while batches are still being written.
          if (lastCommitted >= 4000 && !child.killed) {
            child.kill('SIGKILL');
            resolve();
          }
        }
      });
      child.once('exit', (code, signal) =>
        signal ? resolve() : reject(new Error(`writer finished (${code}) before the kill`)),
      );
    });
    await waitForExit(child);
    expect(child.signalCode).toBe('SIGKILL');

    // Reopen: the stale lock is reclaimed, every reported commit is there, and only whole batches.
    const store = LibraryStore.open(file);
    const mv = store.modelVersions.byName('crash@1')!.id;
    const rows = store.media.count();
    expect(rows).toBeGreaterThanOrEqual(lastCommitted);
    expect(rows).toBeLessThan(TOTAL);
    expect(rows % BATCH).toBe(0);
    expect(store.vectors.count(mv, 'image')).toBe(rows);

    const statuses: string[] = [];
    const index = VectorIndex.open(store, mv, 'image', {
      dim: DIM,
      exactBelow: 0,
      onStatus: (s) => statuses.push(s.state),
    });
    expect(statuses).toHaveLength(1);
    expect(['loaded', 'rebuilt']).toContain(statuses[0]);
    expect(index.size).toBe(rows);
    // A graph file the kill interrupted is swept; the cached copy is the verified one or none.
    expect(readdirSync(defaultGraphCacheDir(file)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // The same vectors as the writer's (same seed): every stored one is found as its own nearest neighbour.
    const next = rng(42);
    const all = Array.from({ length: TOTAL }, () => randomUnitVector(DIM, next));
    for (let i = 0; i < rows; i += 397) {
      expect(index.search(all[i]!, 1)[0]!.label).toBe(i + 1);
    }

    // Repeat the whole insert: upserts keyed by path/(model, media) leave the committed rows as they are.
    for (let from = 0; from < TOTAL; from += 4000) {
      const vs = all.slice(from, from + 4000);
      seedImages(store, mv, vs, { from }).forEach((l, i) => index.add(l, vs[i]!));
    }
    expect(store.media.count()).toBe(TOTAL);
    expect(store.vectors.count(mv, 'image')).toBe(TOTAL);
    expect(index.size).toBe(TOTAL);
    expect(store.media.byPath('/photos/img-0.jpg')!.id).toBe(1);
    index.dispose();
    store.close();

    const again = LibraryStore.open(file);
    const reopened = VectorIndex.open(again, mv, 'image', { dim: DIM });
    expect(reopened.status).toMatchObject({ state: 'loaded', elementCount: TOTAL, from: 'cache' });
    reopened.dispose();
    again.close();
  });
});
