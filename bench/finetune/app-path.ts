/**
 * The issue #10 timing through the app's own path: a real library file holding 10,000 pairs (one photo + one
 * caption each) with their cached CLS features, then `fineTuneLibrary(StoreFineTunePort, runFineTuneInWorker)` —
 * exactly what the Fine-tune button's job runs: gather from SQLite → train and re-project in the worker thread →
 * one commit → both HNSW graphs built in worker threads → switch — plus the switch's index open. The main
 * thread's event-loop delay is sampled throughout (what requests would wait for meanwhile).
 *
 *   npx tsx bench/finetune/app-path.ts [--pairs 10000] [--epochs 5] [--width 768] [--out f.json]
 *
 * Features are synthetic (synthetic-pairs.ts, 256-d heads) and the "bundle" is a folder with just a manifest
 * name and the base heads: no encoder runs in a fine-tune, so nothing else of a bundle is read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { LibraryStore } from '../../main/engine/store/library-store';
import { serializeHeadsFile } from '../../main/engine/train/heads-file';
import { fineTuneLibrary } from '../../main/engine/train/library-fine-tune';
import { LibraryVersions } from '../../main/engine/train/library-versions';
import { runFineTuneInWorker } from '../../main/engine/train/run-fine-tune-worker';
import { StoreFineTunePort } from '../../main/engine/train/store-fine-tune-port';
import { VectorIndex } from '../../main/engine/vector/vector-index';
import { benchLibrary, BENCH_EMBED_DIM } from './bench-library';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '10000' },
    epochs: { type: 'string', default: '5' },
    width: { type: 'string', default: '768' },
    out: { type: 'string' },
  },
});
const W = Number(values.width);
const E = BENCH_EMBED_DIM;
const log = (s: string) => process.stderr.write(`[bench/finetune/app-path ${new Date().toISOString()}] ${s}\n`);
const sec = (t0: number) => (performance.now() - t0) / 1000;

const loadAtStart = loadavg();
const lib = benchLibrary(Number(values.pairs), W);
const N = lib.pairs.length;
const dir = mkdtempSync(join(tmpdir(), 'pairscope-bench-app-path-'));
const bundleDir = join(dir, 'bundle');
const report: Record<string, unknown> = {};
try {
  // The "bundle": its name and its base heads.
  const name = 'synthetic-bundle';
  const { mkdirSync } = await import('node:fs');
  mkdirSync(bundleDir);
  writeFileSync(join(bundleDir, 'manifest.json'), JSON.stringify({ name }));
  writeFileSync(
    join(bundleDir, 'heads.safetensors'),
    serializeHeadsFile({ heads: lib.base, momentum: lib.base, extra: {} }),
  );
  // The library: one photo and one caption per pair, with the bundle version's CLS features.
  let t0 = performance.now();
  const file = join(dir, 'bench.pairscope');
  const store = LibraryStore.open(file);
  const base = store.modelVersions.ensure({ name, embedDim: E, featureDim: W });
  store.transaction(() => {
    lib.pairs.forEach((p, n) => {
      const mediaId = store.media.upsert({
        path: `/photos/img-${n}.png`,
        root: '/photos',
        contentHash: `h${n}`,
        size: 1,
        mtimeMs: 1,
        kind: 'png',
      });
      const captionId = store.captions.upsert({ mediaId, source: 'bench', text: `caption ${n}` });
      store.vectors.upsertFeature(
        base.id,
        { mediaId },
        lib.imageFeatures.subarray(p.imageIndex * W, (p.imageIndex + 1) * W),
      );
      store.vectors.upsertFeature(
        base.id,
        { captionId },
        lib.captionFeatures.subarray(p.captionIndex * W, (p.captionIndex + 1) * W),
      );
    });
  });
  log(`library: ${N} pairs with ${W}-d features written in ${sec(t0).toFixed(1)} s; cpus=${cpus().length}`);

  const versions = new LibraryVersions(store, bundleDir, name);
  const port = new StoreFineTunePort(versions);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  t0 = performance.now();
  let lastLog = 0;
  const r = await fineTuneLibrary(
    port,
    runFineTuneInWorker,
    { epochs: Number(values.epochs) },
    {
      onProgress: (p) => {
        if (performance.now() - lastLog < 10_000) return;
        lastLog = performance.now();
        log(`step ${p.step}/${p.totalSteps} loss ${p.loss.total.toFixed(3)} eta ${p.etaSeconds.toFixed(0)} s`);
      },
    },
  );
  const fineTuneSeconds = sec(t0);
  t0 = performance.now();
  for (const space of ['image', 'text'] as const) {
    const index = VectorIndex.open(store, r.version.id, space, { dim: E, exactBelow: 0 });
    if (index.status.state !== 'loaded')
      throw new Error(`expected the stored ${space} graph, got ${index.status.state}`);
    index.dispose({ persist: false });
  }
  const openSeconds = sec(t0);
  delay.disable();
  const ms = (ns: number) => ns / 1e6;
  Object.assign(report, {
    machine: { cpus: cpus().length, model: cpus()[0]?.model },
    pairs: N,
    featureWidth: W,
    epochs: Number(values.epochs),
    steps: r.lossCurve.length,
    /** Button → active version: gather, worker training + re-projection, commit, graph builds, switch. */
    fineTuneLibrarySeconds: fineTuneSeconds,
    parts: {
      gather: fineTuneSeconds - r.seconds.train - r.seconds.reproject - r.seconds.commit - r.seconds.index,
      ...r.seconds,
      graphs: port.lastGraphs,
    },
    switchIndexOpenSeconds: openSeconds,
    endToEndSeconds: fineTuneSeconds + openSeconds,
    mainThreadEventLoopDelayMs: { max: ms(delay.max), p99: ms(delay.percentile(99)), mean: ms(delay.mean) },
    heldOut: { before: r.before, after: r.after },
    loadAverage: { start: loadAtStart, end: loadavg() },
  });
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(report, null, 2));
if (values.out) writeFileSync(values.out, JSON.stringify(report, null, 2));
