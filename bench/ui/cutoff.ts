/**
 * Measures where the search cut-off (issue #8: "a clear no-good-match state instead of an irrelevant tail") should
 * sit for a bundle, on the demo library's pairs: every distinct caption is a text query, its own photo(s) are the
 * relevant results, every other photo is not. Prints, per candidate cut-off, how many queries keep their own photo
 * and how many photos pass per query, then the cut-off that best separates the two (Youden's J over all
 * query–photo scores) and the one that keeps 90 % of own photos; for image queries, how other photos score against
 * each photo (a photo scores 1.00 against itself). Scores are the cosines the UI shows.
 *
 * Usage: nice -n 19 npx tsx bench/ui/cutoff.ts [--bundle DIR] [--pairs data/demo/pairs.jsonl] [--out FILE.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Embedder } from '../../main/engine/model/embedder';
import { defaultBundleDir, projectRoot } from '../../main/project-paths';

const { values } = parseArgs({
  options: { bundle: { type: 'string' }, pairs: { type: 'string' }, out: { type: 'string' } },
});
const bundleDir = path.resolve(values.bundle ?? defaultBundleDir);
const pairsFile = path.resolve(values.pairs ?? path.join(projectRoot, 'data', 'demo', 'pairs.jsonl'));
const pairs = readFileSync(pairsFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { image: string; caption: string });
const images = [...new Set(pairs.map((p) => p.image))];
const queries = [...new Set(pairs.map((p) => p.caption.trim().toLowerCase()))];
const relevant = queries.map(
  (q) => new Set(pairs.filter((p) => p.caption.trim().toLowerCase() === q).map((p) => images.indexOf(p.image))),
);
/** The short queries of test/e2e/ui-semantic.spec.ts, reported one by one. */
const E2E = [
  ['chess pawn', 'chess-pawn.jpg'],
  ['a rocket', 'rocket.jpg'],
  ['sunflower', 'sunflower.jpg'],
  ['a teapot', 'teapot.jpg'],
] as const;

const t0 = performance.now();
const embedder = await Embedder.open(bundleDir, { threads: 2 });
const unwrap = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }, what: string): T => {
  if (!r.ok) throw new Error(`${what}: ${r.error.message}`);
  return r.value;
};
const imageEmb = (await embedder.embedImages(images.map((i) => path.join(path.dirname(pairsFile), i)))).map(
  (r, i) => unwrap(r, images[i]!).emb,
);
const textEmb = (await embedder.embedTexts([...queries, ...E2E.map(([q]) => q)])).map(
  (r, i) => unwrap(r, `text ${i}`).emb,
);
await embedder.dispose();
const embedMs = performance.now() - t0;

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const scores = textEmb.map((t) => imageEmb.map((v) => dot(t, v)));

const positives: number[] = [];
const negatives: number[] = [];
queries.forEach((_, q) => scores[q]!.forEach((s, i) => (relevant[q]!.has(i) ? positives : negatives).push(s)));
const rows = [];
for (let c = -20; c <= 100; c += 1) {
  const t = c / 100;
  let kept = 0;
  let passing = 0;
  queries.forEach((_, q) => {
    const row = scores[q]!;
    if ([...relevant[q]!].some((i) => row[i]! >= t)) kept++;
    passing += row.filter((s) => s >= t).length;
  });
  const tpr = positives.filter((s) => s >= t).length / positives.length;
  const fpr = negatives.filter((s) => s >= t).length / negatives.length;
  rows.push({ cutoff: t, queriesKeepingOwn: kept / queries.length, meanPassing: passing / queries.length, tpr, fpr });
}
const best = rows.reduce((a, b) => (b.tpr - b.fpr > a.tpr - a.fpr ? b : a));
const keep90 = [...rows].reverse().find((r) => r.tpr >= 0.9)!;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const e2e = E2E.map(([q, file], k) => {
  const row = scores[queries.length + k]!;
  const own = images.findIndex((i) => i.endsWith(`/${file}`));
  const rank = row.filter((s) => s > row[own]!).length + 1;
  return { query: q, file, score: row[own]!, rank };
});
// Image → image: each photo as the query against every other photo (the photo itself scores 1.00).
const imageOthers: number[] = [];
imageEmb.forEach((a, i) => imageEmb.forEach((b, j) => j !== i && imageOthers.push(dot(a, b))));
const summary = {
  bundle: bundleDir,
  model: embedder.manifest.name,
  images: images.length,
  queries: queries.length,
  embedSeconds: embedMs / 1000,
  ownScore: { p10: pct(positives, 0.1), p50: pct(positives, 0.5), p90: pct(positives, 0.9) },
  otherScore: { p50: pct(negatives, 0.5), p90: pct(negatives, 0.9), p99: pct(negatives, 0.99) },
  imageToOtherImages: { p50: pct(imageOthers, 0.5), p90: pct(imageOthers, 0.9), p99: pct(imageOthers, 0.99) },
  youden: best,
  keep90,
  at020: rows.find((r) => Math.abs(r.cutoff - 0.2) < 1e-9),
  e2e,
};
console.log(JSON.stringify(summary, null, 1));
if (values.out) writeFileSync(values.out, JSON.stringify({ ...summary, rows }, null, 1));
