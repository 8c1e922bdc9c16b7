/**
 * Issue #9 "Must show": noisy-pair detection on the emoji training split with injected caption noise (datasets.md:
 * swap and hard at 20% and 40%). For each variant, in ONE run on the same features:
 *   - ours: the curation noise score (main/engine/curate/noise-score.ts, the same functions the app runs),
 *   - baseline "cosine": plain image–caption ITC cosine (lower = more suspicious),
 *   - baseline "CL loss": confident-learning style per-pair loss, −log softmax_student(own caption) over the
 *     variant's distinct captions (cleanlab's self-confidence ranking on the same embeddings),
 *   - each part of our score alone (ITM, momentum, ranks), for insight;
 * AUROC and precision at the true noise rate; a simulated reviewer who fixes every noisy pair in the top N of the
 * queue vs one who reviews in random order; and how often the image's true caption is among the five one-key
 * suggestions of a noisy pair (hit@1, hit@5).
 *
 *   npx tsx bench/curate/run.ts [--bundle DIR] [--data data/emoji] [--modes swap,hard] [--rates 0.2,0.4]
 *        [--split train_core] [--limit N] [--no-itm] [--refine Q] [--out docs/curation]
 *
 * Ours is the app's score: weights fitted per variant on synthetic mismatches injected into the variant's own pairs
 * (self-supervised-combiner.ts); the variant's noise labels are read only to evaluate. Design choices of the fit were
 * made on the development split (`--split train_ext --limit 5000 --out /tmp/dev`), not on train_core.
 *
 * Writes <out>/<bundle>.json, <out>/<bundle>-review.png and prints the markdown table of docs/curation.md.
 * Image and caption features are computed once for all variants (the images are the same; captions differ).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { applyCombiner, COMBINER_FEATURES } from '../../main/engine/curate/noise-combiner';
import { combineNoise, noiseParts, NOISE_WEIGHTS } from '../../main/engine/curate/noise-score';
import { pairEvidence, type EvidenceMatrix, type EvidencePair } from '../../main/engine/curate/pair-evidence';
import { fitSelfSupervised, planSelfSupervision } from '../../main/engine/curate/self-supervised-combiner';
import { Embedder } from '../../main/engine/model/embedder';
import { projectRows } from '../../main/engine/train/heads';
import { parseHeadsFile } from '../../main/engine/train/heads-file';
import { auroc, precisionAt, reviewCurve, shuffled, suspicionOrder } from './metrics';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string', default: 'resources/models/albef-emoji-small' },
    data: { type: 'string', default: 'data/emoji' },
    split: { type: 'string', default: 'train_core' },
    modes: { type: 'string', default: 'swap,hard' },
    rates: { type: 'string', default: '0.2,0.4' },
    limit: { type: 'string' },
    'no-itm': { type: 'boolean' },
    /** Override the self-supervised fit's reliable-negative quantile (development runs; default as in the app). */
    refine: { type: 'string' },
    out: { type: 'string', default: 'docs/curation' },
  },
});
const bundleDir = path.resolve(values.bundle!);
if (!existsSync(path.join(bundleDir, 'manifest.json')))
  throw new Error(`${bundleDir} has no manifest.json: pass --bundle DIR (e.g. test/fixtures/tiny-albef)`);
const log = (s: string) => process.stderr.write(`[bench/curate ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

interface Row {
  image: string;
  caption: string;
  noisy: boolean;
  original_caption: string;
}
const variants = values.modes!.split(',').flatMap((mode) =>
  values.rates!.split(',').map((rate) => {
    const file = path.join(values.data!, `${values.split}.noisy-${mode}-${rate}-s1.jsonl`);
    let rows = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Row);
    if (values.limit) rows = rows.slice(0, Number(values.limit));
    return { name: `${mode} ${Number(rate) * 100}%`, mode, rate: Number(rate), file, rows };
  }),
);

const embedder = await Embedder.open(bundleDir, { batchSize: 32 });
const manifest = embedder.manifest;
const heads = parseHeadsFile(new Uint8Array(readFileSync(embedder.bundle.file(manifest.heads))));
const temp = heads.heads.temp[0]!;
log(
  `bundle ${manifest.name} (${bundleDir}), τ=${temp}, momentum heads ${heads.momentum === heads.heads ? 'absent' : 'present'}`,
);

// Captions first: the self-supervised plan of each variant (which injected captions need ITM) needs their embeddings.
const allTexts = [...new Set(variants.flatMap((v) => v.rows.map((r) => r.caption)))];
const textRes = await embedder.embedTexts(allTexts);
const textVec = new Map<string, { emb: Float32Array; cls: Float32Array }>();
textRes.forEach((r, i) => {
  if (!r.ok) throw new Error(`caption "${allTexts[i]}": ${r.error.message}`);
  textVec.set(allTexts[i]!, { emb: r.value.emb, cls: r.value.cls });
});
const imagePaths = [...new Set(variants.flatMap((v) => v.rows.map((r) => r.image)))];
const imageRow = new Map(imagePaths.map((p, i) => [p, i]));
const E = manifest.architecture.embed_dim;
const W = manifest.architecture.text_width;
const prepared = variants.map((v) => {
  const texts = [...new Set(v.rows.map((r) => r.caption))];
  const textRow = new Map(texts.map((t, i) => [t, i]));
  const tEmb = new Float32Array(texts.length * E);
  const tCls = new Float32Array(texts.length * W);
  texts.forEach((t, i) => {
    tEmb.set(textVec.get(t)!.emb, i * E);
    tCls.set(textVec.get(t)!.cls, i * W);
  });
  const textM: EvidenceMatrix = {
    emb: tEmb,
    memb: projectRows(heads.momentum.text, tCls, texts.length),
    count: texts.length,
    dim: E,
  };
  const pairs = v.rows.map((r) => ({ imageRow: imageRow.get(r.image)!, textRow: textRow.get(r.caption)! }));
  // Synthetic mismatches of the variant's own pairs (no noise label is read): the combiner's training data.
  const plan = planSelfSupervision(pairs, textM, values.refine ? { refine: Number(values.refine) } : {});
  return { v, texts, textM, pairs, plan };
});

// Images: embedding, CLS and — while the tokens are in memory — ITM logits for each caption any variant pairs it
// with, and for the captions the self-supervised plans inject.
const captionsOfImage = new Map<string, Set<string>>();
const wantItm = (image: string, caption: string) =>
  captionsOfImage.set(image, (captionsOfImage.get(image) ?? new Set()).add(caption));
for (const v of variants) for (const r of v.rows) wantItm(r.image, r.caption);
for (const p of prepared) for (const x of p.plan?.extraItm ?? []) wantItm(imagePaths[x.imageRow]!, p.texts[x.textRow]!);
const imgEmb = new Float32Array(imagePaths.length * E);
const imgCls = new Float32Array(imagePaths.length * manifest.architecture.vision_width);
const itm = new Map<string, [number, number]>(); // `${image}\0${caption}` → logits
const t0 = performance.now();
const CHUNK = 32;
for (let i = 0; i < imagePaths.length; i += CHUNK) {
  const slice = imagePaths.slice(i, i + CHUNK);
  const out = await embedder.embedImages(
    slice.map((p) => path.join(values.data!, p)),
    { keepTokens: !values['no-itm'] },
  );
  for (const [k, r] of out.entries()) {
    if (!r.ok) throw new Error(`${slice[k]}: ${r.error.message}`);
    imgEmb.set(r.value.emb, (i + k) * E);
    imgCls.set(r.value.cls, (i + k) * r.value.cls.length);
    if (values['no-itm']) continue;
    for (const text of captionsOfImage.get(slice[k]!)!) {
      const l = await embedder.itmLogitsWithImageTokens(text, [r.value.tokens!]);
      itm.set(`${slice[k]}\0${text}`, [l[0]!, l[1]!]);
    }
  }
  if ((i / CHUNK) % 20 === 0) log(`images ${Math.min(i + CHUNK, imagePaths.length)}/${imagePaths.length}`);
}
const imageSeconds = (performance.now() - t0) / 1000;
const imgMomentum = projectRows(heads.momentum.vision, imgCls, imagePaths.length);

log(
  `encoded ${imagePaths.length} images (${itm.size} ITM pairs) in ${imageSeconds.toFixed(1)} s, ${allTexts.length} captions`,
);

/**
 * Confident learning with per-class thresholds (cleanlab's refinement): a caption text is a class; its threshold t
 * is the mean self-confidence p(own | image) over the pairs that carry it; suspicion = −p_own / t_own, so a pair is
 * judged against how confidently its class is predicted on average.
 */
function perClassThreshold(
  rows: ReadonlyArray<{ caption: string }>,
  scored: ReadonlyArray<{ parts: { ownCaptionLoss: number } }>,
): number[] {
  const p = scored.map((s) => Math.exp(-s.parts.ownCaptionLoss));
  const sum = new Map<string, { total: number; n: number }>();
  rows.forEach((r, i) => {
    const e = sum.get(r.caption) ?? { total: 0, n: 0 };
    e.total += p[i]!;
    e.n++;
    sum.set(r.caption, e);
  });
  return rows.map((r, i) => {
    const e = sum.get(r.caption)!;
    return -p[i]! / (e.total / e.n);
  });
}

const REVIEW_AT = [100, 250, 500, 1000];
/** Curves are stored every CURVE_STRIDE reviewed pairs (plus the last point) to keep the JSON small. */
const CURVE_STRIDE = 10;
const thin = (c: number[]) => c.filter((_, i) => i % CURVE_STRIDE === 0 || i === c.length - 1);
const RANDOM_SEED = 7919;
const results = [];
const images: EvidenceMatrix = { emb: imgEmb, memb: imgMomentum, count: imagePaths.length, dim: E };
for (const { v, texts, textM, pairs, plan } of prepared) {
  const t1 = performance.now();
  const ev = await pairEvidence(images, textM, pairs, { temp });
  const itmAt = (p: EvidencePair): [number, number] | null =>
    itm.get(`${imagePaths[p.imageRow]}\0${texts[p.textRow]}`) ?? null;
  const parts = pairs.map((p, k) => {
    const l = itmAt(p);
    return noiseParts({
      matchProbability: l ? 1 / (1 + Math.exp(l[0] - l[1])) : null,
      captionRank: ev[k]!.captionRank,
      imageRank: ev[k]!.imageRank,
      pseudoTargetMass: ev[k]!.pseudoTargetMass,
      cosine: ev[k]!.cosine,
      ownCaptionLoss: ev[k]!.ownCaptionLoss,
      captionMargin: ev[k]!.captionMargin,
      imageMargin: ev[k]!.imageMargin,
    });
  });
  // Ours = what the app stores (score-library.ts): weights fitted on this variant's own synthetic mismatches.
  const combiner = plan ? await fitSelfSupervised({ plan, images, texts: textM, temp, itm: itmAt }) : null;
  const fixed = combineNoise(parts);
  const combined = combiner ? parts.map((p) => applyCombiner(combiner, p)) : fixed;
  const scored = parts.map((p, k) => ({ score: combined[k]!, parts: p }));
  const scoreSeconds = (performance.now() - t1) / 1000;
  const noisy = v.rows.map((r) => r.noisy);
  const k = noisy.filter(Boolean).length;
  const rankings: Record<string, number[]> = {
    ours: scored.map((s) => s.score),
    'fixed weights (previous rule)': fixed,
    cosine: scored.map((s) => -s.parts.cosine),
    'CL loss': scored.map((s) => s.parts.ownCaptionLoss),
    'CL per-class threshold': perClassThreshold(v.rows, scored),
    // Raw values (exact order): 1 − p and 1 − q round to 1 for tiny p, q, so rank by the logits / mass directly.
    'ITM only': v.rows.map((r) => {
      const l = itm.get(`${r.image}\0${r.caption}`);
      return l ? l[0] - l[1] : 0;
    }),
    'momentum only': scored.map((s) => -s.parts.pseudoTargetMass),
    'ranks only': scored.map((s) => s.parts.captionRankPart + s.parts.imageRankPart),
    'margins only': scored.map((s) => -(s.parts.captionMargin + s.parts.imageMargin)),
  };
  if (values['no-itm']) delete rankings['ITM only'];
  const oursPlan = plan ? 'learned' : 'fixed (library too small to fit)';
  const methods = Object.fromEntries(
    Object.entries(rankings).map(([name, s]) => {
      const curve = reviewCurve(suspicionOrder(s), noisy);
      return [
        name,
        {
          auroc: auroc(s, noisy),
          precisionAtRate: precisionAt(s, noisy, k),
          curve: thin(curve),
          foundAt: REVIEW_AT.map((n) => curve[Math.min(n, curve.length - 1)]!),
        },
      ];
    }),
  );
  // Not seed 1: the noise generator picks its noisy pairs with this very PRNG and shuffle at seed 1 (datasets.md),
  // so a seed-1 "random" order would review exactly the noisy pairs first.
  const randomCurve = reviewCurve(shuffled(v.rows.length, RANDOM_SEED), noisy);
  // One-key fixes: is the image's true caption among the suggestions of a noisy pair?
  let hit1 = 0;
  let hit5 = 0;
  v.rows.forEach((r, j) => {
    if (!r.noisy) return;
    const sug = ev[j]!.captions.map((c) => texts[c.textRow]);
    if (sug[0] === r.original_caption) hit1++;
    if (sug.slice(0, 5).includes(r.original_caption)) hit5++;
  });
  results.push({
    variant: v.name,
    file: v.file,
    pairs: v.rows.length,
    noisy: k,
    distinctCaptions: texts.length,
    methods,
    random: {
      curve: thin(randomCurve),
      foundAt: REVIEW_AT.map((n) => randomCurve[Math.min(n, randomCurve.length - 1)]!),
      expectedAt: REVIEW_AT.map((n) => Math.min(n, v.rows.length) * (k / v.rows.length)),
    },
    suggestionHit: { at1: hit1 / k, at5: hit5 / k },
    ours: oursPlan,
    combiner,
    scoreSeconds,
  });
  log(
    `${v.name}: ours (${oursPlan}, synthetic held-out AUROC ${combiner?.fit.heldOutAuroc?.toFixed(3) ?? '—'}) AUROC ${methods.ours!.auroc.toFixed(3)}, cosine ${methods.cosine!.auroc.toFixed(3)}, CL ${methods['CL loss']!.auroc.toFixed(3)} (${scoreSeconds.toFixed(2)} s)`,
  );
}
await embedder.dispose();

const out = path.resolve(values.out!);
mkdirSync(out, { recursive: true });
const base = path.join(out, manifest.name);
const report = {
  bundle: manifest.name,
  curveStride: CURVE_STRIDE,
  bundleDir,
  weights: NOISE_WEIGHTS,
  itm: !values['no-itm'],
  reviewAt: REVIEW_AT,
  imageSeconds,
  results,
  date: new Date().toISOString(),
};
writeFileSync(`${base}.json`, JSON.stringify(report));
execFileSync('/usr/bin/python3', [path.join(import.meta.dirname, 'plot.py'), `${base}.json`, `${base}-review.png`], {
  stdio: 'inherit',
});

const f3 = (x: number) => x.toFixed(3);
const lines = [
  `Bundle: ${manifest.name}${values.limit ? ` (first ${values.limit} rows)` : ''}; ITM ${values['no-itm'] ? 'off' : 'on'}.`,
  '',
  '| variant | pairs | noisy | AUROC ours | AUROC cosine | AUROC CL loss | P@rate ours | P@rate cosine | P@rate CL loss | true caption in suggestions @1 / @5 |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...results.map((r) => {
    const m = r.methods;
    return `| ${r.variant} | ${r.pairs} | ${r.noisy} | ${f3(m.ours!.auroc)} | ${f3(m.cosine!.auroc)} | ${f3(m['CL loss']!.auroc)} | ${f3(m.ours!.precisionAtRate)} | ${f3(m.cosine!.precisionAtRate)} | ${f3(m['CL loss']!.precisionAtRate)} | ${f3(r.suggestionHit.at1)} / ${f3(r.suggestionHit.at5)} |`;
  }),
  '',
  '| variant | part alone / more baselines | AUROC | P@rate |',
  '| --- | --- | --- | --- |',
  ...results.flatMap((r) =>
    Object.entries(r.methods)
      .filter(([n]) => !['ours', 'cosine', 'CL loss'].includes(n))
      .map(([n, m]) => `| ${r.variant} | ${n} | ${f3(m.auroc)} | ${f3(m.precisionAtRate)} |`),
  ),
  '',
  `| variant | held-out AUROC on synthetic mismatches | ${COMBINER_FEATURES.join(' | ')} |`,
  `| --- | --- | ${COMBINER_FEATURES.map(() => '---').join(' | ')} |`,
  ...results.map((r) =>
    r.combiner
      ? `| ${r.variant} | ${r.combiner.fit.heldOutAuroc?.toFixed(3) ?? '—'} | ${r.combiner.weights.map((w) => w.toFixed(2)).join(' | ')} |`
      : `| ${r.variant} | fixed rule | ${COMBINER_FEATURES.map(() => '—').join(' | ')} |`,
  ),
  '',
  `| variant | noisy pairs fixed after reviewing N = ${REVIEW_AT.join(' / ')} (ours) | cosine order | CL-loss order | random order (seed ${RANDOM_SEED}) | random, expected |`,
  '| --- | --- | --- | --- | --- | --- |',
  ...results.map(
    (r) =>
      `| ${r.variant} | ${r.methods.ours!.foundAt.join(' / ')} | ${r.methods.cosine!.foundAt.join(' / ')} | ${r.methods['CL loss']!.foundAt.join(' / ')} | ${r.random.foundAt.join(' / ')} | ${r.random.expectedAt.map((x) => Math.round(x)).join(' / ')} |`,
  ),
];
process.stdout.write(lines.join('\n') + '\n');
log(`wrote ${base}.json and ${base}-review.png`);
