/**
 * The issue #10 table: on the emoji training split with hard caption noise, evaluated on the clean Fluent 3D
 * test style (retrieval both directions, datasets.md): base heads vs fine-tune with plain contrastive loss vs
 * +momentum distillation vs +MoD+USI KD, each again after a simulated user corrected the review queue's top
 * pairs. Every row comes from one run of this script.
 *
 *   npx tsx bench/finetune/emoji-noise.ts --bundle DIR [--data data/emoji] [--noise 0.2,0.4] [--review 500]
 *        [--epochs 5] [--kd 1] [--seed 1] [--out docs-table.json]
 *
 * CLS features of every image and caption are computed once with the bundle's encoders (main/engine/model)
 * and cached under .cache/finetune-emoji/ keyed by the bundle's manifest sha256; training only touches them.
 * Review simulation: pairs ranked by the base model's image–caption cosine, lowest first (stand-in for the
 * curation noise score, issue #9); in the top `--review`, swapped pairs become `edited` with their original
 * caption, clean ones `confirmed`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Embedder } from '../../main/engine/model/embedder';
import type { CuratedPair } from '../../main/engine/train/curated-pairs';
import { fineTuneHeads } from '../../main/engine/train/fine-tune';
import type { FineTuneOptions } from '../../main/engine/train/fine-tune-options';
import { projectRows, type ProjectionHeads } from '../../main/engine/train/heads';
import { parseHeadsFile } from '../../main/engine/train/heads-file';
import { recallReport, type RecallReport } from '../../main/engine/train/recall';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    data: { type: 'string', default: 'data/emoji' },
    split: { type: 'string', default: 'train_core' },
    noise: { type: 'string', default: '0.2,0.4' },
    review: { type: 'string', default: '500' },
    epochs: { type: 'string', default: '5' },
    kd: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
if (!values.bundle) throw new Error('--bundle DIR is required (a pairscope-albef-bundle folder)');
const log = (s: string) => process.stderr.write(`[emoji-noise ${new Date().toISOString()}] ${s}\n`);

interface Row {
  image: string;
  caption: string;
  base_id: string;
  noisy?: boolean;
  original_caption?: string;
}
const readJsonl = (file: string): Row[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as Row;
      } catch (e) {
        throw new Error(`${file}:${i + 1}: ${(e as Error).message}`);
      }
    });

const dataDir = values.data!;
const noiseLevels = values.noise!.split(',').map(Number);
const trainFile = (p: number) =>
  path.join(dataDir, p === 0 ? `${values.split}.jsonl` : `${values.split}.noisy-hard-${p}-s1.jsonl`);
const trainSets = new Map(noiseLevels.map((p) => [p, readJsonl(trainFile(p))]));
const test = readJsonl(path.join(dataDir, 'test_fluent.jsonl'));
const novel = new Set(readJsonl(path.join(dataDir, 'test_fluent_novel.jsonl')).map((r) => r.base_id));

// Every distinct image and caption text, in first-seen order.
const imageKeys = new Map<string, number>();
const captionKeys = new Map<string, number>();
const addImage = (k: string): void => {
  if (!imageKeys.has(k)) imageKeys.set(k, imageKeys.size);
};
const addCaption = (k: string): void => {
  if (!captionKeys.has(k)) captionKeys.set(k, captionKeys.size);
};
for (const rows of trainSets.values()) {
  for (const r of rows) {
    addImage(r.image);
    addCaption(r.caption);
    if (r.original_caption) addCaption(r.original_caption);
  }
}
for (const r of test) {
  addImage(r.image);
  addCaption(r.caption);
}

const manifestSha = createHash('sha256')
  .update(readFileSync(path.join(values.bundle, 'manifest.json')))
  .digest('hex')
  .slice(0, 16);
const cacheDir = path.join('.cache', 'finetune-emoji', manifestSha);

async function features(): Promise<{ images: Float32Array; wv: number; captions: Float32Array; wt: number }> {
  const meta = path.join(cacheDir, 'meta.json');
  const imageList = [...imageKeys.keys()];
  const captionList = [...captionKeys.keys()];
  if (existsSync(meta)) {
    const m = JSON.parse(readFileSync(meta, 'utf8')) as {
      images: string[];
      captions: string[];
      wv: number;
      wt: number;
    };
    if (m.images.join('\n') === imageList.join('\n') && m.captions.join('\n') === captionList.join('\n')) {
      const load = (f: string) => new Float32Array(new Uint8Array(readFileSync(path.join(cacheDir, f))).buffer);
      log(`CLS features from ${cacheDir}`);
      return { images: load('images.f32'), wv: m.wv, captions: load('captions.f32'), wt: m.wt };
    }
  }
  const embedder = await Embedder.open(values.bundle!, { batchSize: 16 });
  try {
    const t0 = performance.now();
    const img = await embedder.embedImages(imageList.map((k) => path.join(dataDir, k)));
    const txt = await embedder.embedTexts(captionList);
    log(
      `embedded ${imageList.length} images + ${captionList.length} captions in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    const pack = <T extends { cls: Float32Array }>(
      rs: Array<{ ok: true; value: T } | { ok: false; error: { message: string } }>,
      names: string[],
    ) => {
      const w = rs.find((r) => r.ok)?.value.cls.length ?? 0;
      const out = new Float32Array(rs.length * w);
      rs.forEach((r, i) => {
        if (!r.ok) throw new Error(`${names[i]}: ${r.error.message}`);
        out.set(r.value.cls, i * w);
      });
      return { out, w };
    };
    const I = pack(img, imageList);
    const T = pack(txt, captionList);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(path.join(cacheDir, 'images.f32'), new Uint8Array(I.out.buffer));
    writeFileSync(path.join(cacheDir, 'captions.f32'), new Uint8Array(T.out.buffer));
    writeFileSync(meta, JSON.stringify({ images: imageList, captions: captionList, wv: I.w, wt: T.w }));
    return { images: I.out, wv: I.w, captions: T.out, wt: T.w };
  } finally {
    await embedder.dispose();
  }
}

const f = await features();
const heads = parseHeadsFile(
  new Uint8Array(readFileSync(path.join(values.bundle, 'heads.safetensors'))),
  path.join(values.bundle, 'heads.safetensors'),
);
const base = heads.heads;
const E = base.vision.proj.outDim;

// Clean Fluent 3D gallery: one image and one caption per concept; also the seen/novel halves.
const conceptIds = new Map<string, number>();
const cid = (k: string) =>
  conceptIds.has(k) ? conceptIds.get(k)! : (conceptIds.set(k, conceptIds.size), conceptIds.size - 1);
function evaluate(h: ProjectionHeads): Record<'all' | 'seen' | 'novel', RecallReport> {
  const imgAll = projectRows(h.vision, f.images, f.images.length / f.wv);
  const txtAll = projectRows(h.text, f.captions, f.captions.length / f.wt);
  const subset = (keep: (r: Row) => boolean) => {
    const rows = test.filter(keep);
    const gather = (all: Float32Array, idx: number[]) => {
      const out = new Float32Array(idx.length * E);
      idx.forEach((k, i) => out.set(all.subarray(k * E, (k + 1) * E), i * E));
      return out;
    };
    const group = Int32Array.from(rows.map((r) => cid(r.base_id)));
    return recallReport({
      dim: E,
      images: gather(
        imgAll,
        rows.map((r) => imageKeys.get(r.image)!),
      ),
      imageGroup: group,
      texts: gather(
        txtAll,
        rows.map((r) => captionKeys.get(r.caption)!),
      ),
      textGroup: group,
    });
  };
  return {
    all: subset(() => true),
    seen: subset((r) => !novel.has(r.base_id)),
    novel: subset((r) => novel.has(r.base_id)),
  };
}

function pairsOf(rows: Row[], reviewTop: number): { pairs: CuratedPair[]; noisyFound: number } {
  const pairs: CuratedPair[] = rows.map((r) => ({
    imageIndex: imageKeys.get(r.image)!,
    captionIndex: captionKeys.get(r.caption)!,
    group: r.base_id,
    state: 'unreviewed',
  }));
  if (reviewTop === 0) return { pairs, noisyFound: 0 };
  const img = projectRows(base.vision, f.images, f.images.length / f.wv);
  const txt = projectRows(base.text, f.captions, f.captions.length / f.wt);
  const cos = pairs.map((p) => {
    let s = 0;
    for (let e = 0; e < E; e++) s += img[p.imageIndex * E + e]! * txt[p.captionIndex * E + e]!;
    return s;
  });
  const order = pairs.map((_, i) => i).sort((a, b) => cos[a]! - cos[b]!);
  let noisyFound = 0;
  for (const i of order.slice(0, reviewTop)) {
    const r = rows[i]!;
    if (r.noisy && r.original_caption) {
      noisyFound++;
      pairs[i] = { ...pairs[i]!, captionIndex: captionKeys.get(r.original_caption)!, state: 'edited' };
    } else pairs[i] = { ...pairs[i]!, state: 'confirmed' };
  }
  return { pairs, noisyFound };
}

const configs: Array<{ name: string; options: Partial<FineTuneOptions> }> = [
  { name: 'plain ITC', options: { alpha: 0, alphaKd: 0 } },
  { name: '+MoD', options: { alpha: 0.4, alphaKd: 0 } },
  { name: '+MoD+KD', options: { alpha: 0.4, alphaKd: Number(values.kd) } },
];
interface Result {
  noise: number;
  reviewed: number;
  noisyFound: number;
  heads: string;
  recall: Record<'all' | 'seen' | 'novel', RecallReport>;
  seconds: number;
}
const results: Result[] = [];
const baseRecall = evaluate(base);
for (const [p, rows] of trainSets) {
  results.push({ noise: p, reviewed: 0, noisyFound: 0, heads: 'base', recall: baseRecall, seconds: 0 });
  for (const k of [0, Number(values.review)]) {
    const { pairs, noisyFound } = pairsOf(rows, k);
    for (const c of configs) {
      const r = await fineTuneHeads(
        { imageFeatures: f.images, imageWidth: f.wv, captionFeatures: f.captions, captionWidth: f.wt, pairs, base },
        { epochs: Number(values.epochs), seed: Number(values.seed), ...c.options },
      );
      results.push({ noise: p, reviewed: k, noisyFound, heads: c.name, recall: evaluate(r.heads), seconds: r.seconds });
      log(
        `noise ${p} reviewed ${k} (${noisyFound} swapped found) ${c.name}: TR@1 ${(100 * results.at(-1)!.recall.all.i2t.r1).toFixed(1)} IR@1 ${(100 * results.at(-1)!.recall.all.t2i.r1).toFixed(1)} (${r.seconds.toFixed(0)} s)`,
      );
    }
  }
}
const pct = (v: number) => (100 * v).toFixed(1);
const line = (r: Result) => {
  const a = r.recall.all;
  return `| ${r.noise} | ${r.reviewed ? `${r.reviewed} (${r.noisyFound} fixed)` : '—'} | ${r.heads} | ${[a.i2t.r1, a.i2t.r5, a.i2t.r10, a.t2i.r1, a.t2i.r5, a.t2i.r10].map(pct).join(' | ')} | ${pct(r.recall.seen.i2t.r1)} / ${pct(r.recall.novel.i2t.r1)} |`;
};
const table = [
  '| hard noise | review | heads | TR@1 | TR@5 | TR@10 | IR@1 | IR@5 | IR@10 | TR@1 seen / novel |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...results.map(line),
].join('\n');
console.log(table);
if (values.out)
  writeFileSync(values.out, JSON.stringify({ args: values, bundleManifestSha: manifestSha, results, table }, null, 2));
