/**
 * Where the time of opening a stored graph goes (issue #6: "open from the stored graph ≈ 1 s at 100k"):
 * builds a library of n random 256-d unit vectors once (a cheap graph unless --m/--efc say otherwise: the blob's
 * size is mostly the vectors, so the open path is the same), then times each step of VectorIndex.open on its own
 * — reading the chunks from SQLite, sha256, writing the temp file, hnswlib's read — and the whole open, 3 times.
 *
 *   npx tsx bench/index/open-profile.ts --n 100000 [--m 8] [--efc 40] [--library existing.pairscope]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import hnswlib from 'hnswlib-node';
import { LibraryStore } from '../../main/engine/store/library-store';
import { rng, seedImages } from '../../main/engine/store/test-support/seed';
import { defaultGraphCacheDir, hashFile, withTempGraphFile } from '../../main/engine/vector/graph-blob';
import { VectorIndex } from '../../main/engine/vector/vector-index';
import { vectorSource } from './vector-source';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    m: { type: 'string', default: '8' },
    efc: { type: 'string', default: '40' },
    library: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const dim = 256;
const log = (s: string) => process.stderr.write(`[open-profile ${new Date().toISOString()}] ${s}\n`);
const dir = values.library ? null : mkdtempSync(join(tmpdir(), 'pairscope-open-profile-'));
const file = values.library ?? join(dir!, 'p.pairscope');
const time = <T>(label: string, fn: () => T, out: Record<string, number[]>): T => {
  const t0 = performance.now();
  const r = fn();
  (out[label] ??= []).push(performance.now() - t0);
  return r;
};
try {
  if (!values.library) {
    const n = Number(values.n);
    const next = rng(12345);
    const draw = vectorSource('uniform', n, dim, next);
    const store = LibraryStore.open(file);
    const mv = store.modelVersions.ensure({ name: 'bench@1', embedDim: dim, featureDim: 768 }).id;
    for (let i = 0; i < n; i += 10_000)
      seedImages(store, mv, Array.from({ length: Math.min(10_000, n - i) }, draw), { from: i });
    const t0 = performance.now();
    const index = VectorIndex.open(store, mv, 'image', {
      dim,
      params: { m: Number(values.m), efConstruction: Number(values.efc) },
      exactBelow: 0,
    });
    log(
      `built ${n} (M ${values.m}, efC ${values.efc}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; ef ${JSON.stringify(index.efCalibration)}`,
    );
    index.dispose({ persist: false });
    store.close();
  }
  const steps: Record<string, number[]> = {};
  for (let round = 0; round < 3; round++) {
    const store = time('store open', () => LibraryStore.open(file), steps);
    const mv = store.modelVersions.byName('bench@1')!.id;
    const meta = time(
      'meta + count + revision',
      () => {
        store.vectors.count(mv, 'image');
        store.graphs.revision(mv, 'image');
        return store.graphs.meta(mv, 'image')!;
      },
      steps,
    );
    const chunks = time('blob: read chunks (SQLite)', () => [...store.graphs.chunks(mv, 'image')], steps);
    time(
      'blob: sha256',
      () => {
        const h = createHash('sha256');
        for (const c of chunks) h.update(c);
        return h.digest('hex');
      },
      steps,
    );
    withTempGraphFile((f) => {
      time('blob: write temp file', () => writeFileSync(f, Buffer.concat(chunks)), steps);
      time('blob: hnswlib read', () => new hnswlib.HierarchicalNSW('ip', dim).readIndexSync(f), steps);
    });
    const fromBlob = time(
      'open from blob (all)',
      () => VectorIndex.open(store, mv, 'image', { dim, graphCacheDir: null }),
      steps,
    );
    if (fromBlob.status.state !== 'loaded') throw new Error(JSON.stringify(fromBlob.status));
    fromBlob.dispose({ persist: false });
    // Makes sure the cached copy exists (the first open with a cache folder writes it), then times its parts.
    VectorIndex.open(store, mv, 'image', { dim }).dispose({ persist: false });
    const cached = join(defaultGraphCacheDir(file), `${mv}-image.hnsw`);
    time('cache: sha256 of the file', () => hashFile(cached), steps);
    time('cache: hnswlib read', () => new hnswlib.HierarchicalNSW('ip', dim).readIndexSync(cached), steps);
    const idx = time('open from cache (all)', () => VectorIndex.open(store, mv, 'image', { dim }), steps);
    if (idx.status.state !== 'loaded' || idx.status.from !== 'cache') throw new Error(JSON.stringify(idx.status));
    idx.dispose({ persist: false });
    store.close();
    if (round === 0)
      log(
        `graph ${(meta.byteLength / 1e6).toFixed(1)} MB in ${chunks.length} chunks; file ${(statSync(file).size / 1e6).toFixed(1)} MB`,
      );
  }
  for (const [k, v] of Object.entries(steps))
    log(`${k.padEnd(26)} ${v.map((x) => x.toFixed(0).padStart(6)).join(' ')} ms`);
} finally {
  if (dir && !values.keep) rmSync(dir, { recursive: true, force: true });
}
