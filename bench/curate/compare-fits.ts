/**
 * Development tool for the noise combiner (docs/curation.md "How the fit's settings were chosen"): scores the
 * noisy variants of ONE split with several self-supervised fit settings and the two baselines, in one run on the
 * same features, so settings are compared on development data and never on the benchmark's train_core files.
 *
 *   npx tsx bench/curate/compare-fits.ts --data /tmp/devdata --split train_d1000 \
 *     --configs '[["plain",{"ridge":1,"prior":"none","refine":0}],["app",{}]]'
 *
 * Each config is a name and SelfSupervisionOptions ({} = the app's defaults). Prints AUROC and precision at the
 * true noise rate per variant and config, the fit's held-out AUROC on its own synthetic labels, and its weights.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { applyCombiner } from '../../main/engine/curate/noise-combiner';
import { noiseParts } from '../../main/engine/curate/noise-score';
import { pairEvidence, type EvidenceMatrix, type EvidencePair } from '../../main/engine/curate/pair-evidence';
import {
  fitSelfSupervised,
  planSelfSupervision,
  type SelfSupervisionOptions,
} from '../../main/engine/curate/self-supervised-combiner';
import { Embedder } from '../../main/engine/model/embedder';
import { projectRows } from '../../main/engine/train/heads';
import { parseHeadsFile } from '../../main/engine/train/heads-file';
import { auroc, precisionAt } from './metrics';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string', default: 'resources/models/albef-emoji-small' },
    data: { type: 'string', default: 'data/emoji' },
    split: { type: 'string', default: 'train_ext' },
    variants: { type: 'string', default: 'swap-0.2,swap-0.4,hard-0.2,hard-0.4' },
    configs: { type: 'string', default: '[["app",{}]]' },
  },
});
const configs = JSON.parse(values.configs!) as Array<[string, SelfSupervisionOptions]>;
const variants = values.variants!.split(',').map((v) => ({
  name: v,
  rows: readFileSync(path.join(values.data!, `${values.split}.noisy-${v}-s1.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { image: string; caption: string; noisy: boolean }),
}));
const embedder = await Embedder.open(path.resolve(values.bundle!), { batchSize: 32 });
const m = embedder.manifest;
const heads = parseHeadsFile(new Uint8Array(readFileSync(embedder.bundle.file(m.heads))));
const temp = heads.heads.temp[0]!;
const E = m.architecture.embed_dim;
const W = m.architecture.text_width;

const allTexts = [...new Set(variants.flatMap((v) => v.rows.map((r) => r.caption)))];
const textVec = new Map<string, { emb: Float32Array; cls: Float32Array }>();
(await embedder.embedTexts(allTexts)).forEach((r, i) => {
  if (!r.ok) throw new Error(`caption "${allTexts[i]}": ${r.error.message}`);
  textVec.set(allTexts[i]!, r.value);
});
const imagePaths = [...new Set(variants.flatMap((v) => v.rows.map((r) => r.image)))];
const imageRow = new Map(imagePaths.map((p, i) => [p, i]));
const prepared = variants.map((v) => {
  const texts = [...new Set(v.rows.map((r) => r.caption))];
  const textRow = new Map(texts.map((t, i) => [t, i]));
  const emb = new Float32Array(texts.length * E);
  const cls = new Float32Array(texts.length * W);
  texts.forEach((t, i) => {
    emb.set(textVec.get(t)!.emb, i * E);
    cls.set(textVec.get(t)!.cls, i * W);
  });
  const textM: EvidenceMatrix = {
    emb,
    memb: projectRows(heads.momentum.text, cls, texts.length),
    count: texts.length,
    dim: E,
  };
  const pairs = v.rows.map((r) => ({ imageRow: imageRow.get(r.image)!, textRow: textRow.get(r.caption)! }));
  return { v, texts, textM, pairs, plans: configs.map(([, o]) => planSelfSupervision(pairs, textM, o)) };
});

// One vision pass: embeddings, CLS, and ITM for every pair any variant or plan needs.
const want = new Map<string, Set<string>>();
const need = (image: string, caption: string) => want.set(image, (want.get(image) ?? new Set()).add(caption));
for (const p of prepared) {
  p.v.rows.forEach((r) => need(r.image, r.caption));
  for (const plan of p.plans) for (const x of plan?.extraItm ?? []) need(imagePaths[x.imageRow]!, p.texts[x.textRow]!);
}
const imgEmb = new Float32Array(imagePaths.length * E);
const imgCls = new Float32Array(imagePaths.length * m.architecture.vision_width);
const itm = new Map<string, [number, number]>();
for (let i = 0; i < imagePaths.length; i += 32) {
  const slice = imagePaths.slice(i, i + 32);
  const out = await embedder.embedImages(
    slice.map((p) => path.join(values.data!, p)),
    { keepTokens: true },
  );
  for (const [k, r] of out.entries()) {
    if (!r.ok) throw new Error(`${slice[k]}: ${r.error.message}`);
    imgEmb.set(r.value.emb, (i + k) * E);
    imgCls.set(r.value.cls, (i + k) * r.value.cls.length);
    for (const t of want.get(slice[k]!)!) {
      const l = await embedder.itmLogitsWithImageTokens(t, [r.value.tokens!]);
      itm.set(`${slice[k]}\0${t}`, [l[0]!, l[1]!]);
    }
  }
}
const images: EvidenceMatrix = {
  emb: imgEmb,
  memb: projectRows(heads.momentum.vision, imgCls, imagePaths.length),
  count: imagePaths.length,
  dim: E,
};
for (const { v, texts, textM, pairs, plans } of prepared) {
  const ev = await pairEvidence(images, textM, pairs, { temp });
  const itmAt = (p: EvidencePair) => itm.get(`${imagePaths[p.imageRow]}\0${texts[p.textRow]}`) ?? null;
  const parts = pairs.map((p, k) => {
    const l = itmAt(p);
    return noiseParts({ ...ev[k]!, matchProbability: l ? 1 / (1 + Math.exp(l[0] - l[1])) : null });
  });
  const noisy = v.rows.map((r) => r.noisy);
  const k = noisy.filter(Boolean).length;
  const line = (name: string, s: number[]) =>
    `${v.name} ${name.padEnd(24)} AUROC ${auroc(s, noisy).toFixed(4)} P@rate ${precisionAt(s, noisy, k).toFixed(4)}`;
  console.log(
    line(
      'cosine',
      parts.map((p) => -p.cosine),
    ),
  );
  console.log(
    line(
      'CL loss',
      parts.map((p) => p.ownCaptionLoss),
    ),
  );
  for (const [ci, [name]] of configs.entries()) {
    if (!plans[ci]) {
      console.log(`${v.name} ${name.padEnd(24)} too small to fit`);
      continue;
    }
    const c = await fitSelfSupervised({ plan: plans[ci], images, texts: textM, temp, itm: itmAt });
    console.log(
      `${line(
        name,
        parts.map((p) => applyCombiner(c, p)),
      )} held-out ${c.fit.heldOutAuroc?.toFixed(3)} w ${c.weights.map((w) => w.toFixed(2)).join(',')}`,
    );
  }
}
await embedder.dispose();
