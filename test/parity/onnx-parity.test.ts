/**
 * PyTorch ↔ ONNX Runtime parity on the tiny random-weight bundle (test/fixtures/tiny-albef, written by
 * `tools/albef/tiny_fixture.py` through the real exporter). reference.json holds fixed inputs and the PyTorch
 * outputs of the same wrappers the graphs were traced from (spec §4.2 step 6).
 *
 * Uses onnxruntime-node directly on purpose: this checks the exported graphs, not the app's session layer.
 * Tolerances: fp32 graphs max |Δ| ≤ 1e-4 on every output; fp16 graphs ≤ 2e-2 on the L2-normalised embeddings.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BUNDLE = join(import.meta.dirname, '..', 'fixtures', 'tiny-albef');
const FP32_TOL = 1e-4;
const FP16_EMB_TOL = 2e-2;

interface Stored {
  dims: number[];
  data: number[];
}
type Named = Record<string, Stored>;
interface Case {
  inputs: Named;
  outputs: Named;
}
interface Reference {
  vision: Case;
  text: Case;
  text_unpadded: Case;
  fusion: (Case & { name: string })[];
}
interface Manifest {
  graphs: Record<'vision' | 'text' | 'fusion', string>;
  graphs_fp16?: Record<'vision' | 'text' | 'fusion', string>;
  files: Record<string, { sha256: string; bytes: number }>;
}

const INT64_INPUTS = new Set(['input_ids', 'attention_mask', 'text_attention_mask']);
const reference = JSON.parse(readFileSync(join(BUNDLE, 'reference.json'), 'utf8')) as Reference;
const manifest = JSON.parse(readFileSync(join(BUNDLE, 'manifest.json'), 'utf8')) as Manifest;

function toTensor(name: string, stored: Stored): ort.Tensor {
  if (INT64_INPUTS.has(name)) {
    return new ort.Tensor(
      'int64',
      BigInt64Array.from(stored.data, (v) => BigInt(v)),
      stored.dims,
    );
  }
  return new ort.Tensor('float32', Float32Array.from(stored.data), stored.dims);
}

function feeds(inputs: Named): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(inputs).map(([name, stored]) => [name, toTensor(name, stored)]));
}

/** Max |a − b| after checking that the shapes agree exactly. */
function maxAbsDiff(got: ort.Tensor, want: Stored): number {
  expect(Array.from(got.dims)).toEqual(want.dims);
  const data = got.data as Float32Array;
  let max = 0;
  for (let i = 0; i < want.data.length; i++) max = Math.max(max, Math.abs((data[i] ?? NaN) - (want.data[i] ?? NaN)));
  return max;
}

const measured: string[] = [];
function record(label: string, diff: number, tol: number): void {
  measured.push(`${label.padEnd(58)} max|Δ| = ${diff.toExponential(2)} (limit ${tol.toExponential(0)})`);
  expect(diff).toBeLessThanOrEqual(tol);
}

async function open(file: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(join(BUNDLE, file), {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
  });
}

describe('tiny-albef bundle: ONNX Runtime matches PyTorch', () => {
  const sessions = new Map<string, ort.InferenceSession>();

  beforeAll(async () => {
    for (const file of [...Object.values(manifest.graphs), ...Object.values(manifest.graphs_fp16 ?? {})]) {
      sessions.set(file, await open(file));
    }
  });
  afterAll(async () => {
    for (const s of sessions.values()) await s.release();
    console.log(`onnx parity (tiny-albef):\n  ${measured.join('\n  ')}`);
  });
  const session = (file: string): ort.InferenceSession => {
    const s = sessions.get(file);
    if (!s) throw new Error(`no session for ${file}`);
    return s;
  };

  it('every file matches the sha256 and size in manifest.json', () => {
    for (const [file, { sha256, bytes }] of Object.entries(manifest.files)) {
      const blob = readFileSync(join(BUNDLE, file));
      expect({
        file,
        sha256: createHash('sha256').update(blob).digest('hex'),
        bytes: blob.length,
      }).toEqual({ file, sha256, bytes });
    }
  });

  it('vision graph: image_tokens and image_emb within 1e-4', async () => {
    const out = await session(manifest.graphs.vision).run(feeds(reference.vision.inputs));
    for (const name of ['image_tokens', 'image_emb'] as const) {
      record(`vision ${name}`, maxAbsDiff(out[name]!, reference.vision.outputs[name]!), FP32_TOL);
    }
  });

  it('text graph: text_tokens and text_emb within 1e-4 (padded batch)', async () => {
    const out = await session(manifest.graphs.text).run(feeds(reference.text.inputs));
    for (const name of ['text_tokens', 'text_emb'] as const) {
      record(`text ${name}`, maxAbsDiff(out[name]!, reference.text.outputs[name]!), FP32_TOL);
    }
  });

  it('text graph: padding does not change the embedding of a caption', async () => {
    const padded = await session(manifest.graphs.text).run(feeds(reference.text.inputs));
    const unpadded = await session(manifest.graphs.text).run(feeds(reference.text_unpadded.inputs));
    const row0 = {
      dims: [1, padded.text_emb!.dims[1]!],
      data: Array.from(padded.text_emb!.data as Float32Array).slice(0, padded.text_emb!.dims[1]),
    };
    record('text_emb padded vs unpadded (same caption)', maxAbsDiff(unpadded.text_emb!, row0), 1e-5);
  });

  for (const c of reference.fusion) {
    it(`fusion graph: itm_logits within 1e-4, ${c.name}`, async () => {
      const out = await session(manifest.graphs.fusion).run(feeds(c.inputs));
      record(`fusion itm_logits, ${c.name}`, maxAbsDiff(out.itm_logits!, c.outputs.itm_logits!), FP32_TOL);
    });
  }

  it('fp16 variants: image_emb and text_emb within 2e-2, fp32 inputs and outputs', async () => {
    const fp16 = manifest.graphs_fp16;
    expect(fp16).toBeDefined();
    const vision = await session(fp16!.vision).run(feeds(reference.vision.inputs));
    const text = await session(fp16!.text).run(feeds(reference.text.inputs));
    expect(vision.image_emb!.type).toBe('float32');
    expect(text.text_emb!.type).toBe('float32');
    record('fp16 vision image_emb', maxAbsDiff(vision.image_emb!, reference.vision.outputs.image_emb!), FP16_EMB_TOL);
    record('fp16 text text_emb', maxAbsDiff(text.text_emb!, reference.text.outputs.text_emb!), FP16_EMB_TOL);
    const fusion = await session(fp16!.fusion).run(feeds(reference.fusion[0]!.inputs));
    // Reported, not bounded by the spec: raw logits have no fixed scale.
    measured.push(
      `${'fp16 fusion itm_logits (reported only)'.padEnd(58)} max|Δ| = ${maxAbsDiff(fusion.itm_logits!, reference.fusion[0]!.outputs.itm_logits!).toExponential(2)}`,
    );
  });
});
