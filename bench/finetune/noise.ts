/**
 * Robustness to hard caption noise on synthetic cached features (issue #10 "Must show", synthetic stand-in
 * until the emoji features exist): base heads vs plain contrastive vs +momentum distillation vs +MoD+USI KD,
 * at several noise rates, each also after a simulated review of the queue's top pairs. Every row comes from
 * this one run; evaluation is on a clean gallery in a style never trained on (one image and one caption per
 * concept, all concepts), R@1/5/10 both ways.
 *
 * Simulated review: pairs ranked by the base heads' image–caption cosine, lowest first (a stand-in for the
 * curation noise score); the top `--review` are corrected — swapped pairs become `edited` with their true
 * caption, clean ones `confirmed`.
 *
 *   npx tsx bench/finetune/noise.ts [--concepts 1000] [--width 256] [--noise 0.2,0.4] [--review 500] [--epochs 5]
 *        [--base-junk 2.5 (poor base) | 0.7 (decent base)] [--kd 1] [--adapter 0|hidden] [--mode hard|swap]
 *        [--train-concepts N (train on the first N concepts only, test on all)] [--out f.json]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CuratedPair } from '../../main/engine/train/curated-pairs';
import { fineTuneHeads } from '../../main/engine/train/fine-tune';
import type { FineTuneOptions } from '../../main/engine/train/fine-tune-options';
import type { ProjectionHeads } from '../../main/engine/train/heads';
import { projectRows } from '../../main/engine/train/heads';
import { recallReport, type RecallReport } from '../../main/engine/train/recall';
import { reprojectEmbeddings } from '../../main/engine/train/reproject';
import { syntheticLibrary, type SyntheticLibrary } from '../../main/engine/train/synthetic-pairs';

const { values } = parseArgs({
  options: {
    concepts: { type: 'string', default: '1000' },
    width: { type: 'string', default: '256' },
    embed: { type: 'string', default: '128' },
    noise: { type: 'string', default: '0.2,0.4' },
    review: { type: 'string', default: '500' },
    epochs: { type: 'string', default: '5' },
    kd: { type: 'string', default: '1' },
    seed: { type: 'string', default: '3' },
    'base-junk': { type: 'string', default: '2.5' },
    adapter: { type: 'string', default: '0' },
    mode: { type: 'string', default: 'hard' },
    'train-concepts': { type: 'string' },
    latent: { type: 'string', default: '64' },
    out: { type: 'string' },
  },
});
const W = Number(values.width);
const E = Number(values.embed);
const log = (s: string) => process.stderr.write(`[bench/finetune/noise ${new Date().toISOString()}] ${s}\n`);

const configs: Array<{ name: string; options: Partial<FineTuneOptions> }> = [
  { name: 'plain ITC', options: { alpha: 0, alphaKd: 0 } },
  { name: '+MoD', options: { alpha: 0.4, alphaKd: 0 } },
  { name: '+MoD+KD', options: { alpha: 0.4, alphaKd: Number(values.kd) } },
];

function evaluate(lib: SyntheticLibrary, heads: ProjectionHeads): RecallReport {
  const G = lib.test.group.length;
  const { images, texts } = reprojectEmbeddings(heads, {
    imageFeatures: lib.test.imageFeatures,
    imageWidth: W,
    captionFeatures: lib.test.captionFeatures,
    captionWidth: W,
  });
  return recallReport({ dim: E, images, imageGroup: lib.test.group, texts, textGroup: lib.test.group.slice(0, G) });
}

/** The simulated user: corrects the `k` pairs the base model finds least matching. */
function reviewed(lib: SyntheticLibrary, k: number, keep: number): { pairs: CuratedPair[]; noisyFound: number } {
  const img = projectRows(lib.base.vision, lib.imageFeatures, lib.imageFeatures.length / W);
  const txt = projectRows(lib.base.text, lib.captionFeatures, lib.captionFeatures.length / W);
  const score = lib.pairs.map((p) => {
    let s = 0;
    for (let e = 0; e < E; e++) s += img[p.imageIndex * E + e]! * txt[p.captionIndex * E + e]!;
    return s;
  });
  // Only the pairs being trained on are in the review queue.
  const order = lib.pairs
    .slice(0, keep)
    .map((_, i) => i)
    .sort((a, b) => score[a]! - score[b]!);
  const pairs = lib.pairs.slice();
  let noisyFound = 0;
  for (const i of order.slice(0, k)) {
    if (lib.noisy[i]) {
      noisyFound++;
      pairs[i] = { ...pairs[i]!, captionIndex: lib.cleanCaptionIndex[i]!, state: 'edited' };
    } else pairs[i] = { ...pairs[i]!, state: 'confirmed' };
  }
  return { pairs, noisyFound };
}

const fmt = (r: RecallReport) =>
  [r.i2t.r1, r.i2t.r5, r.i2t.r10, r.t2i.r1, r.t2i.r5, r.t2i.r10].map((v) => (100 * v).toFixed(1));
const rows: Array<{
  noise: number;
  reviewed: number;
  config: string;
  recall: RecallReport;
  seconds: number;
  noisyFound?: number;
}> = [];
const t0 = performance.now();
for (const noise of values.noise!.split(',').map(Number)) {
  const lib = syntheticLibrary({
    concepts: Number(values.concepts),
    pairsPerConcept: 4,
    imageWidth: W,
    textWidth: W,
    embedDim: E,
    latentDim: Number(values.latent),
    styles: 3,
    hardNoise: noise,
    heldOutFraction: 0.1,
    seed: Number(values.seed),
    baseJunk: Number(values['base-junk']),
    noiseMode: values.mode === 'swap' ? 'swap' : 'hard',
  });
  rows.push({ noise, reviewed: 0, config: 'base', recall: evaluate(lib, lib.base), seconds: 0 });
  // --train-concepts N: fine-tune on the first N concepts only (a small user library), test on all of them —
  // the setting where a fixed teacher should keep the heads from forgetting what they knew.
  const keep = values['train-concepts'] ? Number(values['train-concepts']) * 4 : lib.pairs.length;
  const review = reviewed(lib, Number(values.review), keep);
  log(
    `noise ${noise} (${values.mode}): ${lib.noisy.filter(Boolean).length} swapped of ${lib.pairs.length}; the simulated review of ${values.review} (of ${keep} trained pairs) finds ${review.noisyFound}`,
  );
  for (const [k, pairs] of [
    [0, lib.pairs.slice(0, keep)],
    [Number(values.review), review.pairs.slice(0, keep)],
  ] as const) {
    for (const c of configs) {
      const r = await fineTuneHeads(
        {
          imageFeatures: lib.imageFeatures,
          imageWidth: W,
          captionFeatures: lib.captionFeatures,
          captionWidth: W,
          pairs,
          base: lib.base,
        },
        { epochs: Number(values.epochs), adapterHidden: Number(values.adapter), ...c.options },
      );
      const recall = evaluate(lib, r.heads);
      rows.push({
        noise,
        reviewed: k,
        config: c.name,
        recall,
        seconds: r.seconds,
        ...(k ? { noisyFound: review.noisyFound } : {}),
      });
      log(`noise ${noise} reviewed ${k} ${c.name}: ${fmt(recall).join(' ')} (${r.seconds.toFixed(1)} s)`);
    }
  }
}
const header =
  '| noise | reviewed | heads | TR@1 | TR@5 | TR@10 | IR@1 | IR@5 | IR@10 |\n|---|---|---|---|---|---|---|---|---|';
const table = [
  header,
  ...rows.map((r) => `| ${r.noise} | ${r.reviewed} | ${r.config} | ${fmt(r.recall).join(' | ')} |`),
].join('\n');
console.log(table);
log(`total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
if (values.out) writeFileSync(values.out, JSON.stringify({ args: values, rows, table }, null, 2));
