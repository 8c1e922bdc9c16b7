/**
 * bench/embed: embedding throughput of model bundles on this machine, every comparison measured in the same run
 * (DESIGN §7): ONNX Runtime vs PyTorch on identical inputs, the file pipeline (decode + inference overlapped)
 * vs the model alone, and achieved GFLOP/s vs a plain float32 GEMM.
 *
 *   npx tsx bench/embed/run.ts --bundle DIR [--bundle DIR ...] [--images 16] [--captions 64] [--batch 8]
 *                              [--threads N] [--weights tiny|base-random|CKPT ...] [--json FILE]
 * `--weights` (one per bundle) tells the PyTorch side how to rebuild the same model; it checks the bundle's heads.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Embedder } from '../../main/engine/model/embedder';
import { decodeImage, normaliseInto } from '../../main/engine/model/preprocess';
import { GraphSession } from '../../main/engine/model/sessions';
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

async function ortGemm(): Promise<number> {
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
  const g = await GraphSession.open('gemm', { fp32: file }, { providers: ['cpu'], threads });
  const a = {
    type: 'float32' as const,
    data: new Float32Array(gemmN * gemmN).map((_, i) => Math.sin(i)),
    dims: [gemmN, gemmN],
  };
  await g.run({ a });
  const reps = 10;
  const [t] = await seconds(async () => {
    for (let i = 0; i < reps; i++) await g.run({ a });
  });
  await g.dispose();
  return (2 * gemmN ** 3 * reps) / t / 1e9;
}

function cosines(a: Float32Array, b: Float32Array, dim: number): number {
  let worst = 1;
  for (let i = 0; i < a.length / dim; i++) {
    let d = 0,
      na = 0,
      nb = 0;
    for (let k = i * dim; k < (i + 1) * dim; k++) {
      d += a[k]! * b[k]!;
      na += a[k]! ** 2;
      nb += b[k]! ** 2;
    }
    worst = Math.min(worst, d / Math.sqrt(na * nb));
  }
  return worst;
}

async function benchBundle(dir: string, weightsArg: string, gemmOrt: number) {
  const { files, captions } = inputs();
  const embedder = await Embedder.open(dir, { providers: ['cpu'], threads, batchSize: batch });
  const m = embedder.bundle.manifest;
  const R = m.image.resolution;
  const E = m.architecture.embed_dim;

  // Decode once for the model-only runs (and for PyTorch: the same pixels).
  const [tDecode, decoded] = await seconds(() => Promise.all(files.map((f) => decodeImage(f, embedder.spec))));
  const pixels = new Float32Array(nImages * 3 * R * R);
  decoded.forEach((d, i) => normaliseInto(d.rgb, embedder.spec, pixels, i));

  await embedder.embedPixels(pixels.slice(0, batch * 3 * R * R), Math.min(batch, nImages)); // warm-up
  await embedder.embedTexts(captions); // every text batch shape once, as the PyTorch side does
  const [tModel, ortImages] = await seconds(() => embedder.embedPixels(pixels, nImages));
  const [tText, ortTexts] = await seconds(() => embedder.embedTexts(captions));
  const [tPipe] = await seconds(() => embedder.embedImages(files));
  await embedder.dispose();

  const req = path.join(work, 'req.json');
  const pixFile = path.join(work, 'pixels.f32');
  const outFile = path.join(work, 'torch.f32');
  writeFileSync(pixFile, Buffer.from(pixels.buffer));
  const torchIds = ortTexts.map((r) => (r.ok ? r.value.ids : [])); // ids after pre_caption, as the runtime embedded them
  writeFileSync(
    req,
    JSON.stringify({
      bundle: dir,
      weights: weightsArg === 'tiny' || weightsArg === 'base-random' ? weightsArg : { checkpoint: weightsArg },
      threads,
      batch,
      image_res: R,
      pixels: pixFile,
      count: nImages,
      ids: torchIds,
      out: outFile,
      gemm: gemmN,
    }),
  );
  const torch = JSON.parse(
    execFileSync('/usr/bin/python3', [path.join(import.meta.dirname, 'torch-rate.py'), req], {
      maxBuffer: 1 << 26,
    }).toString(),
  ) as {
    images_per_s: number;
    captions_per_s: number;
    gemm_gflops: number;
  };
  const torchOut = new Float32Array(readFileSync(outFile).buffer.slice(0));
  const ortFlat = new Float32Array([
    ...ortImages.flatMap((r) => (r.ok ? Array.from(r.value.emb) : [])),
    ...ortTexts.flatMap((r) => (r.ok ? Array.from(r.value.emb) : [])),
  ]);

  const meanL = torchIds.reduce((s, x) => s + x.length, 0) / torchIds.length;
  const vF = visionFlops(m.architecture);
  const tF = textFlops(m.architecture, meanL);
  return {
    bundle: m.name,
    resolution: R,
    batch,
    threads,
    images: nImages,
    captions: nCaptions,
    ort_images_per_s: nImages / tModel,
    torch_images_per_s: torch.images_per_s,
    ort_captions_per_s: nCaptions / tText,
    torch_captions_per_s: torch.captions_per_s,
    pipeline_images_per_s: nImages / tPipe,
    decode_only_images_per_s: nImages / tDecode,
    vision_gflop_per_image: vF / 1e9,
    text_gflop_per_caption: tF / 1e9,
    ort_vision_gflops: (vF * nImages) / tModel / 1e9,
    ort_text_gflops: (tF * nCaptions) / tText / 1e9,
    gemm_ort_gflops: gemmOrt,
    gemm_torch_gflops: torch.gemm_gflops,
    min_cosine_ort_vs_torch: cosines(ortFlat, torchOut, E),
  };
}

const gemmOrt = await ortGemm();
const rows = [];
for (let i = 0; i < bundles.length; i++) {
  const row = await benchBundle(path.resolve(bundles[i]!), weights[i]!, gemmOrt);
  rows.push(row);
  console.log(JSON.stringify(row));
}
const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
console.log(
  `\ncpu: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.availableParallelism()}, threads ${threads}, batch ${batch}`,
);
console.log(
  '| bundle | res | ORT img/s | PyTorch img/s | ORT/PyTorch | pipeline img/s (files) | pipeline/model | ORT captions/s | PyTorch captions/s | ORT/PyTorch | vision GFLOP/s | GEMM GFLOP/s (ORT) | of GEMM | min cos ORT vs PyTorch |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.bundle} | ${r.resolution} | ${f(r.ort_images_per_s)} | ${f(r.torch_images_per_s)} | ${f(r.ort_images_per_s / r.torch_images_per_s)}× | ${f(r.pipeline_images_per_s)} | ${f(r.pipeline_images_per_s / r.ort_images_per_s)} | ${f(r.ort_captions_per_s)} | ${f(r.torch_captions_per_s)} | ${f(r.ort_captions_per_s / r.torch_captions_per_s)}× | ${f(r.ort_vision_gflops)} | ${f(r.gemm_ort_gflops)} | ${((100 * r.ort_vision_gflops) / r.gemm_ort_gflops).toFixed(0)}% | ${r.min_cosine_ort_vs_torch.toFixed(6)} |`,
  );
}
if (values.json) writeFileSync(values.json, JSON.stringify({ cpu: os.cpus()[0]?.model, rows }, null, 1));
rmSync(work, { recursive: true, force: true });
