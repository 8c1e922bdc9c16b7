/**
 * bench/embed: embedding throughput of model bundles on this machine, every comparison measured in the same run
 * (DESIGN §7): ONNX Runtime vs PyTorch on identical inputs, the file pipeline (decode + inference overlapped)
 * vs the model alone, and achieved GFLOP/s vs a plain float32 GEMM.
 *
 *   npx tsx bench/embed/run.ts --bundle DIR [--bundle DIR ...] [--images 16] [--captions 64] [--batch 8]
 *                              [--threads N] [--weights tiny|base-random|CKPT ...] [--rounds 2]
 *                              [--provider cpu|webgpu|cuda|dml|coreml] [--json FILE]
 * `--weights` (one per bundle) tells the PyTorch side how to rebuild the same model; it checks the bundle's heads.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Embedder } from '../../main/engine/model/embedder';
import { decodeImage, normaliseInto } from '../../main/engine/model/preprocess';
import { GraphSession, PROVIDER_ORDER, type ProviderName } from '../../main/engine/model/sessions';
import { textFlops, visionFlops } from './flops';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    bundle: { type: 'string', multiple: true },
    weights: { type: 'string', multiple: true },
    images: { type: 'string', default: '16' },
    captions: { type: 'string', default: '64' },
    batch: { type: 'string', default: '8' },
    threads: { type: 'string', default: String(os.availableParallelism()) },
    gemm: { type: 'string', default: '1024' },
    rounds: { type: 'string', default: '2' },
    provider: { type: 'string', default: 'cpu' },
    json: { type: 'string' },
  },
});
const bundles = values.bundle ?? [];
const weights = values.weights ?? [];
if (bundles.length === 0 || weights.length !== bundles.length) {
  console.error('usage: run.ts --bundle DIR --weights tiny|base-random|CKPT [--bundle ... --weights ...]');
  process.exit(2);
}
const nImages = Number(values.images);
const nCaptions = Number(values.captions);
const batch = Number(values.batch);
const threads = Number(values.threads);
const gemmN = Number(values.gemm);
const rounds = Number(values.rounds);
const provider = values.provider as ProviderName;
if (!PROVIDER_ORDER.includes(provider)) throw new Error(`--provider must be one of ${PROVIDER_ORDER.join(', ')}`);
const work = mkdtempSync(path.join(os.tmpdir(), 'bench-embed-'));

/** Real photos (Debian tuxpaint-data templates, ~1 Mpx JPEG) and captions (emoji manifest or emojibase labels). */
function inputs() {
  const dir = '/usr/share/tuxpaint/templates';
  const photos = readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => path.join(dir, f));
  const files = Array.from({ length: nImages }, (_, i) => photos[i % photos.length]!);
  const labels = (
    JSON.parse(readFileSync(path.join(ROOT, 'node_modules/emojibase-data/en/data.json'), 'utf8')) as Array<{
      label: string;
      tags?: string[];
    }>
  ).map((e) => `${e.label}, ${(e.tags ?? []).join(' ')}`);
  const captions = Array.from({ length: nCaptions }, (_, i) => labels[(i * 37) % labels.length]!);
  return { files, captions };
}

function seconds<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = process.hrtime.bigint();
  return fn().then((v) => [Number(process.hrtime.bigint() - t) / 1e9, v]);
}

async function ortGemmSession(): Promise<{ run(reps: number): Promise<number>; dispose(): Promise<void> }> {
  const file = path.join(work, 'gemm.onnx');
  execFileSync('/usr/bin/python3', [
    '-c',
    `
import sys, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
n = int(sys.argv[2])
b = numpy_helper.from_array(np.random.default_rng(0).standard_normal((n, n)).astype(np.float32), 'b')
g = helper.make_graph([helper.make_node('MatMul', ['a', 'b'], ['c'])], 'gemm',
    [helper.make_tensor_value_info('a', TensorProto.FLOAT, [n, n])], [helper.make_tensor_value_info('c', TensorProto.FLOAT, [n, n])], [b])
m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 17)]); m.ir_version = 8
onnx.save(m, sys.argv[1])`,
    file,
    String(gemmN),
  ]);
  const g = await GraphSession.open('gemm', { fp32: file }, { providers: [provider], threads });
  const a = {
    type: 'float32' as const,
    data: new Float32Array(gemmN * gemmN).map((_, i) => Math.sin(i)),
    dims: [gemmN, gemmN],
  };
  await g.run({ a });
  return {
    async run(reps) {
      const [t] = await seconds(async () => {
        for (let i = 0; i < reps; i++) await g.run({ a });
      });
      return t;
    },
    dispose: () => g.dispose(),
  };
}

/** The PyTorch side as a child process answering one timed batch per request (torch-rate.py). */
function torchServer(requestFile: string) {
  const child = spawn('/usr/bin/python3', [path.join(import.meta.dirname, 'torch-rate.py'), requestFile], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('torch-rate.py exited early');
    return JSON.parse(line.value as string) as { seconds?: number; ready?: boolean };
  };
  return {
    ready: next,
    async ask(cmd: Record<string, unknown>): Promise<number> {
      child.stdin!.write(JSON.stringify(cmd) + '\n');
      return (await next()).seconds ?? 0;
    },
    async dump(out: string) {
      child.stdin!.write(JSON.stringify({ op: 'dump', out }) + '\n');
      await next();
    },
    quit() {
      child.stdin!.end(JSON.stringify({ op: 'quit' }) + '\n');
    },
  };
}

function cosines(a: Float32Array, b: Float32Array, dim: number): number {
  let worst = 1;
  for (let i = 0; i < a.length / dim; i++) {
    let d = 0;
    let na = 0;
    let nb = 0;
    for (let k = i * dim; k < (i + 1) * dim; k++) {
      d += a[k]! * b[k]!;
      na += a[k]! ** 2;
      nb += b[k]! ** 2;
    }
    worst = Math.min(worst, d / Math.sqrt(na * nb));
  }
  return worst;
}

async function benchBundle(dir: string, weightsArg: string) {
  const { files, captions } = inputs();
  const embedder = await Embedder.open(dir, { providers: [provider], threads, batchSize: batch });
  const m = embedder.bundle.manifest;
  const R = m.image.resolution;
  const E = m.architecture.embed_dim;
  const plane = 3 * R * R;

  const decoded = await Promise.all(files.map((f) => decodeImage(f, embedder.spec)));
  const pixels = new Float32Array(nImages * plane);
  decoded.forEach((d, i) => normaliseInto(d.rgb, embedder.spec, pixels, i));
  const texts = await embedder.embedTexts(captions); // also warms every text batch shape
  const ids = texts.map((r) => (r.ok ? r.value.ids : []));
  const imageBatches = Array.from({ length: Math.ceil(nImages / batch) }, (_, b) => ({
    data: pixels.subarray(b * batch * plane, Math.min(nImages, (b + 1) * batch) * plane),
    n: Math.min(batch, nImages - b * batch),
  }));
  const textBatches = Array.from({ length: Math.ceil(nCaptions / batch) }, (_, b) =>
    captions.slice(b * batch, (b + 1) * batch),
  );

  const req = path.join(work, 'req.json');
  const pixFile = path.join(work, 'pixels.f32');
  writeFileSync(pixFile, Buffer.from(pixels.buffer));
  const weightsSpec =
    weightsArg === 'tiny' || weightsArg === 'base-random' ? weightsArg : { checkpoint: path.resolve(weightsArg) };
  writeFileSync(
    req,
    JSON.stringify({
      bundle: dir,
      weights: weightsSpec,
      threads,
      batch,
      image_res: R,
      pixels: pixFile,
      count: nImages,
      ids,
      gemm: gemmN,
    }),
  );
  const torch = torchServer(req);
  const gemm = await ortGemmSession();
  const load0 = os.loadavg()[0]!;
  try {
    await torch.ready();
    // Warm-up both sides: first image batch, every text batch shape (PyTorch pays ~0.2 s per new shape).
    await embedder.embedPixels(imageBatches[0]!.data, imageBatches[0]!.n);
    await torch.ask({ op: 'vision', batch: 0 });
    for (let b = 0; b < textBatches.length; b++) await torch.ask({ op: 'text', batch: b });

    const t = { ortV: 0, torchV: 0, ortT: 0, torchT: 0, gemmOrt: 0, gemmTorch: 0, gemmFlops: 0, pipe: 0, model: 0 };
    const gemmReps = 3;
    for (let round = 0; round < rounds; round++) {
      // Paired, adjacent timings: ORT batch, the same PyTorch batch, then a plain GEMM on each side.
      for (let b = 0; b < imageBatches.length; b++) {
        t.ortV += (await seconds(() => embedder.embedPixels(imageBatches[b]!.data, imageBatches[b]!.n)))[0];
        t.torchV += await torch.ask({ op: 'vision', batch: b });
        t.gemmOrt += await gemm.run(gemmReps);
        t.gemmTorch += await torch.ask({ op: 'gemm', reps: gemmReps });
        t.gemmFlops += 2 * gemmN ** 3 * gemmReps;
      }
      for (let b = 0; b < textBatches.length; b++) {
        t.ortT += (await seconds(() => embedder.embedTexts(textBatches[b]!)))[0];
        t.torchT += await torch.ask({ op: 'text', batch: b });
      }
      // The file pipeline (decode ahead of inference) next to the model alone on the same images.
      t.pipe += (await seconds(() => embedder.embedImages(files)))[0];
      t.model += (await seconds(() => embedder.embedPixels(pixels, nImages)))[0];
    }
    const [tDecode] = await seconds(() => Promise.all(files.map((f) => decodeImage(f, embedder.spec))));

    const outFile = path.join(work, 'torch.f32');
    await torch.dump(outFile);
    const torchOut = new Float32Array(readFileSync(outFile).buffer.slice(0));
    const ortImages = await embedder.embedPixels(pixels, nImages);
    const ortFlat = new Float32Array([
      ...ortImages.flatMap((r) => (r.ok ? Array.from(r.value.emb) : [])),
      ...texts.flatMap((r) => (r.ok ? Array.from(r.value.emb) : [])),
    ]);
    const meanL = ids.reduce((s, x) => s + x.length, 0) / ids.length;
    const vF = visionFlops(m.architecture);
    const tF = textFlops(m.architecture, meanL);
    const imgs = nImages * rounds;
    const caps = nCaptions * rounds;
    return {
      bundle: m.name,
      provider: (await embedder.providers()).vision?.provider ?? provider,
      resolution: R,
      batch,
      threads,
      images: nImages,
      captions: nCaptions,
      rounds,
      load_average: [load0, os.loadavg()[0]!],
      ort_images_per_s: imgs / t.ortV,
      torch_images_per_s: imgs / t.torchV,
      ort_captions_per_s: caps / t.ortT,
      torch_captions_per_s: caps / t.torchT,
      pipeline_images_per_s: imgs / t.pipe,
      model_only_images_per_s: imgs / t.model,
      decode_only_images_per_s: nImages / tDecode,
      vision_gflop_per_image: vF / 1e9,
      text_gflop_per_caption: tF / 1e9,
      ort_vision_gflops: (vF * imgs) / t.ortV / 1e9,
      torch_vision_gflops: (vF * imgs) / t.torchV / 1e9,
      ort_text_gflops: (tF * caps) / t.ortT / 1e9,
      gemm_ort_gflops: t.gemmFlops / t.gemmOrt / 1e9,
      gemm_torch_gflops: t.gemmFlops / t.gemmTorch / 1e9,
      min_cosine_ort_vs_torch: cosines(ortFlat, torchOut, E),
    };
  } finally {
    torch.quit();
    await gemm.dispose();
    await embedder.dispose();
  }
}

const rows = [];
for (let i = 0; i < bundles.length; i++) {
  const row = await benchBundle(path.resolve(bundles[i]!), weights[i]!);
  rows.push(row);
  console.log(JSON.stringify(row));
}
const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
console.log(
  `\ncpu: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.availableParallelism()}, threads ${threads}, batch ${batch}, rounds ${rounds}`,
);
console.log(
  '| bundle | provider | res | ORT img/s | PyTorch img/s | ORT/PyTorch | ORT captions/s | PyTorch captions/s | ORT/PyTorch | pipeline img/s (files) | pipeline/model | ORT vision GFLOP/s | GEMM GFLOP/s (ORT) | of GEMM | min cos | load avg |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const cells = [
    r.bundle,
    r.provider,
    r.resolution,
    f(r.ort_images_per_s),
    f(r.torch_images_per_s),
    `${f(r.ort_images_per_s / r.torch_images_per_s)}×`,
    f(r.ort_captions_per_s),
    f(r.torch_captions_per_s),
    `${f(r.ort_captions_per_s / r.torch_captions_per_s)}×`,
    f(r.pipeline_images_per_s),
    f(r.pipeline_images_per_s / r.model_only_images_per_s),
    f(r.ort_vision_gflops),
    f(r.gemm_ort_gflops),
    `${((100 * r.ort_vision_gflops) / r.gemm_ort_gflops).toFixed(0)}%`,
    r.min_cosine_ort_vs_torch.toFixed(6),
    r.load_average.map((x) => x.toFixed(1)).join('→'),
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
if (values.json) writeFileSync(values.json, JSON.stringify({ cpu: os.cpus()[0]?.model, rows }, null, 1));
rmSync(work, { recursive: true, force: true });
