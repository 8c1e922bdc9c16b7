/**
 * Fine-tune timing (issue #10 "Must show", DESIGN.md §7): 10,000 synthetic cached pairs (768-d CLS features
 * with planted structure, 256-d heads) → fineTuneHeads with the one-click defaults → re-projection of every
 * stored item → the new version's embedding rows written to a real library file → both HNSW indexes
 * rebuilt (in worker threads, as the app does) and opened. A plain GEMM is timed in the same run so the trainer's throughput reads as a ratio.
 *
 *   npx tsx bench/finetune/run.ts [--pairs 10000] [--epochs 5] [--batch 128] [--queue 1024] [--kd 1] [--alpha 0.4] [--out f.json]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LibraryStore } from '../../main/engine/store/library-store';
import { fineTuneHeads } from '../../main/engine/train/fine-tune';
import { matMulABt } from '../../main/engine/train/matmul';
import { reprojectEmbeddings } from '../../main/engine/train/reproject';
import { buildVersionGraphs } from '../../main/engine/train/version-graphs';
import { VectorIndex } from '../../main/engine/vector/vector-index';
import { benchLibrary, BENCH_EMBED_DIM } from './bench-library';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '10000' },
    epochs: { type: 'string', default: '5' },
    batch: { type: 'string', default: '128' },
    queue: { type: 'string', default: '1024' },
    kd: { type: 'string', default: '1' },
    alpha: { type: 'string', default: '0.4' },
    width: { type: 'string', default: '768' },
    out: { type: 'string' },
  },
});
const W = Number(values.width);
const E = BENCH_EMBED_DIM;
const log = (s: string) => process.stderr.write(`[bench/finetune ${new Date().toISOString()}] ${s}\n`);
const sec = (t0: number) => (performance.now() - t0) / 1000;

function gemmGflops(): number {
  // The logits shape of one step (rows × bank × E), the trainer's dominant product.
  const m = 128, n = 1152, k = E; // prettier-ignore
  const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: n * k }, (_, i) => Math.cos(i));
  const c = new Float32Array(m * n);
  for (let i = 0; i < 3; i++) matMulABt(a, b, c, m, n, k);
  const t0 = performance.now();
  const reps = 20;
  for (let i = 0; i < reps; i++) matMulABt(a, b, c, m, n, k);
  return (2 * m * n * k * reps) / ((performance.now() - t0) / 1000) / 1e9;
}

const loadAtStart = loadavg();
let t0 = performance.now();
const lib = benchLibrary(Number(values.pairs), W);
const N = lib.pairs.length;
log(`synthetic library: ${N} pairs, ${W}-d features, generated in ${sec(t0).toFixed(1)} s; cpus=${cpus().length}`);
const gemmBefore = gemmGflops();

const options = {
  epochs: Number(values.epochs),
  batchSize: Number(values.batch),
  queueSize: Number(values.queue),
  alphaKd: Number(values.kd),
  alpha: Number(values.alpha),
};
t0 = performance.now();
const result = await fineTuneHeads(
  {
    imageFeatures: lib.imageFeatures,
    imageWidth: W,
    captionFeatures: lib.captionFeatures,
    captionWidth: W,
    pairs: lib.pairs,
    base: lib.base,
  },
  options,
  {
    onProgress: (p) =>
      p.step % 50 === 0 &&
      log(
        `step ${p.step}/${p.totalSteps} loss ${p.loss.total.toFixed(3)} (itc ${p.loss.itc.toFixed(3)} kd ${p.loss.kd.toFixed(3)}) lr ${p.loss.lr.toExponential(1)} eta ${p.etaSeconds.toFixed(0)} s`,
      ),
  },
);
const fineTuneSeconds = sec(t0);
const gemmAfter = gemmGflops();
const { plan } = result;
const trainSeconds = fineTuneSeconds; // includes base projection + both recall evaluations
// Multiply-adds per step: student+momentum tower forwards, dW, and per direction the logits of student,
// teacher and base (when on) plus dq.
const C = plan.batchSize + plan.queueSize;
const towers = 2 * plan.batchSize * W * E;
const perDir = plan.batchSize * C * E * (2 + (options.alpha > 0 ? 1 : 0) + (options.alphaKd > 0 ? 1 : 0));
const macsPerStep = 2 * towers + towers + 2 * perDir;
const trainGflops = (2 * macsPerStep * plan.totalSteps) / trainSeconds / 1e9;

t0 = performance.now();
const emb = reprojectEmbeddings(result.heads, {
  imageFeatures: lib.imageFeatures,
  imageWidth: W,
  captionFeatures: lib.captionFeatures,
  captionWidth: W,
});
const reprojectSeconds = sec(t0);

const dir = mkdtempSync(join(tmpdir(), 'pairscope-bench-finetune-'));
let storeSeconds = 0;
let indexSeconds = 0;
let indexMainThreadSeconds = 0;
let indexOpenSeconds = 0;
try {
  const store = LibraryStore.open(join(dir, 'bench.pairscope'));
  const base = store.modelVersions.ensure({ name: 'base', embedDim: E, featureDim: W });
  const ids = store.transaction(() =>
    Array.from({ length: N }, (_, n) => {
      const mediaId = store.media.upsert({
        path: `/photos/img-${n}.png`,
        root: '/photos',
        contentHash: `h${n}`,
        size: 1,
        mtimeMs: 1,
        kind: 'png',
      });
      const captionId = store.captions.upsert({ mediaId, source: 'bench', text: `caption ${n}` });
      return { mediaId, captionId };
    }),
  );
  void base;
  t0 = performance.now();
  const v = store.modelVersions.ensure({ name: 'fine-tune-1', embedDim: E, featureDim: W, parentId: base.id });
  store.transaction(() => {
    ids.forEach(({ mediaId, captionId }, n) => {
      store.vectors.upsertImage(v.id, mediaId, emb.images.subarray(n * E, (n + 1) * E));
      store.vectors.upsertText(v.id, captionId, emb.texts.subarray(n * E, (n + 1) * E));
    });
  });
  storeSeconds = sec(t0);
  // The app's path (StoreFineTunePort.rebuildIndexes): both graphs built in worker threads, in parallel.
  t0 = performance.now();
  const graphs = await buildVersionGraphs(store, v.id, E);
  indexSeconds = sec(t0);
  indexMainThreadSeconds = graphs.mainThreadSeconds;
  // What the switch then does on the main thread: open both indexes, which load the stored graphs.
  t0 = performance.now();
  for (const space of ['image', 'text'] as const) {
    const index = VectorIndex.open(store, v.id, space, { dim: E, exactBelow: 0 });
    if (index.status.state !== 'loaded')
      throw new Error(`expected the stored ${space} graph, got ${index.status.state}`);
    index.dispose({ persist: false });
  }
  indexOpenSeconds = sec(t0);
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const report = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model },
  pairs: N,
  featureWidth: W,
  options,
  plan,
  gemmGflops: { before: gemmBefore, after: gemmAfter },
  fineTuneSeconds,
  fineTuneTiming: result.timing,
  trainerGflops: trainGflops,
  trainerVsGemm: trainGflops / ((gemmBefore + gemmAfter) / 2),
  reprojectSeconds,
  storeWriteSeconds: storeSeconds,
  indexRebuildSeconds: indexSeconds,
  /** Of the rebuild, what runs on the main thread (row read + graph write), and the switch's index open. */
  indexMainThreadSeconds,
  indexOpenSeconds,
  endToEndSeconds: fineTuneSeconds + reprojectSeconds + storeSeconds + indexSeconds + indexOpenSeconds,
  loadAverage: { start: loadAtStart, end: loadavg() },
  heldOut: { before: result.before, after: result.after, pairs: result.counts.heldOutPairs },
};
console.log(JSON.stringify(report, null, 2));
if (values.out) writeFileSync(values.out, JSON.stringify(report, null, 2));
