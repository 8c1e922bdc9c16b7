// Run the parity cases written by `python -m tools.albef.parity_full` through onnxruntime-node and print
// max |Δ| against PyTorch for every output of every case (fp32 graphs, and fp16 graphs when the bundle has them).
//
//   node tools/albef/parity_ort.mjs <bundle-dir> <cases-dir> [--json out.json]
//
// Exit code 1 when an fp32 output differs by more than cases.json `fp32_tolerance` or an fp16 embedding by more
// than `fp16_embedding_tolerance` (spec §4.2 step 6). This is a tool script, not app code: it imports
// onnxruntime-node directly.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

const [bundleDir, caseDir, ...rest] = process.argv.slice(2);
if (!bundleDir || !caseDir) {
  console.error('usage: node tools/albef/parity_ort.mjs <bundle-dir> <cases-dir> [--json out.json]');
  process.exit(2);
}
const jsonOut = rest[0] === '--json' ? rest[1] : undefined;

/** Minimal safetensors reader (F32 / I64), the format tools/albef/safetensors_io.py writes. */
function readSafetensors(path) {
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  const base = 8 + n;
  const out = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [begin, end] = info.data_offsets;
    const bytes = buf.subarray(base + begin, base + end);
    const copy = new Uint8Array(bytes).buffer; // aligned copy
    if (info.dtype === 'F32') out[name] = new ort.Tensor('float32', new Float32Array(copy), info.shape);
    else if (info.dtype === 'I64') out[name] = new ort.Tensor('int64', new BigInt64Array(copy), info.shape);
    else throw new Error(`${path}: ${name} has dtype ${info.dtype}, expected F32 or I64`);
  }
  return out;
}

function maxAbsDiff(got, want) {
  if (got.dims.join(',') !== want.dims.join(',')) throw new Error(`shape ${got.dims} != ${want.dims}`);
  let max = 0;
  for (let i = 0; i < want.data.length; i++) max = Math.max(max, Math.abs(got.data[i] - want.data[i]));
  return max;
}

const manifest = JSON.parse(readFileSync(join(bundleDir, 'manifest.json'), 'utf8'));
const doc = JSON.parse(readFileSync(join(caseDir, 'cases.json'), 'utf8'));
const tensors = readSafetensors(join(caseDir, 'tensors.safetensors'));
const variants = [['fp32', manifest.graphs]];
if (manifest.graphs_fp16) variants.push(['fp16', manifest.graphs_fp16]);

const rows = [];
let failed = false;
for (const [variant, graphs] of variants) {
  for (const graph of ['vision', 'text', 'fusion']) {
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(join(bundleDir, graphs[graph]), {
      executionProviders: ['cpu'],
    });
    const loadMs = performance.now() - t0;
    for (const c of doc.cases.filter((x) => x.graph === graph)) {
      const feeds = Object.fromEntries(Object.entries(c.inputs).map(([name, key]) => [name, tensors[key]]));
      const t1 = performance.now();
      const out = await session.run(feeds);
      const runMs = performance.now() - t1;
      for (const [name, key] of Object.entries(c.outputs)) {
        const diff = maxAbsDiff(out[name], tensors[key]);
        const isEmb = name.endsWith('_emb');
        const limit = variant === 'fp32' ? doc.fp32_tolerance : isEmb ? doc.fp16_embedding_tolerance : null;
        const ok = limit === null || diff <= limit;
        failed ||= !ok;
        rows.push({ variant, graph, case: c.name, output: name, maxAbsDiff: diff, limit, ok, runMs, loadMs });
      }
    }
    await session.release();
  }
}
for (const r of rows) {
  const lim = r.limit === null ? 'reported' : `≤ ${r.limit}`;
  console.log(
    `${r.variant} ${r.graph.padEnd(6)} ${r.case.padEnd(38)} ${r.output.padEnd(12)} max|Δ| ${r.maxAbsDiff.toExponential(2)} (${lim}) ${r.ok ? 'ok' : 'FAIL'}  run ${r.runMs.toFixed(0)} ms`,
  );
}
if (jsonOut)
  writeFileSync(jsonOut, JSON.stringify({ source: doc.source, image_res: doc.image_res, rows }, null, 2) + '\n');
process.exit(failed ? 1 : 0);
