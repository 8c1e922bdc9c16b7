/**
 * Build the emoji image–caption set with the fixed split of datasets.md.
 *   npx tsx tools/dataset/build-emoji.ts --out data/emoji --size 128 [--jobs 4] [--keep-images]
 *                                        [--noise swap|hard|partial[,…] --rate p[,…] --seed s] [--limit N]
 * Writes images/<style>/<key>.png, train_core / train_ext / test_fluent{,_seen,_novel}.jsonl,
 * LICENSES.md, optional noisy train variants, and READY (JSON counts) last, so a waiting consumer can poll for READY.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { writeNoisyManifests } from './build-noise';
import { emojiLicenceText } from './licences';
import { imagePath, toRecord, writeJsonl } from './manifest';
import { NOISE_MODES, type NoiseMode } from './noise';
import { rasterise } from './render';
import { ALL_STYLES, loadConcepts, loadStyleImages, type Style } from './sources';
import { buildSplit, type Pair } from './split';

/** The figures datasets.md states, written into READY for comparison; README.md explains the differences. */
export const DATASETS_MD_COUNTS = {
  train_core: 4428,
  train_ext: 9249,
  test_fluent_seen: 1284,
  test_fluent_novel: 315,
  test_fluent: 1599,
};

export interface EmojiBuildOptions {
  out: string;
  size: number;
  jobs?: number;
  keepImages?: boolean;
  noise?: { modes: NoiseMode[]; rates: number[]; seed: number };
  /** Keep only the first N rows of each manifest (for tests and quick looks); READY then says so. */
  limit?: number;
  log?: (line: string) => void;
}

async function pool<T>(items: readonly T[], jobs: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, jobs) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function buildEmoji(opts: EmojiBuildOptions): Promise<Record<string, unknown>> {
  const { out, size } = opts;
  const log = opts.log ?? (() => {});
  if (!Number.isInteger(size) || size < 8 || size > 1024)
    throw new Error(`--size must be an integer in 8..1024, got ${size}`);
  const t0 = Date.now();
  mkdirSync(out, { recursive: true });
  rmSync(join(out, 'READY'), { force: true });

  const images = Object.fromEntries(ALL_STYLES.map((s) => [s, loadStyleImages(s)])) as Record<
    Style,
    Map<string, string>
  >;
  const split = buildSplit(loadConcepts('en'), images);
  const cut = (pairs: Pair[]): Pair[] => (opts.limit === undefined ? pairs : pairs.slice(0, opts.limit));
  const manifests = {
    train_core: cut(split.core),
    train_ext: cut(split.ext),
    test_fluent_seen: cut(split.fluentSeen),
    test_fluent_novel: cut(split.fluentNovel),
    test_fluent: cut(split.fluent),
  };

  // One PNG per (style, concept), shared by every manifest that lists it.
  const toRender = new Map<string, Pair>();
  for (const pairs of Object.values(manifests))
    for (const p of pairs) toRender.set(imagePath(p.style, p.concept.key), p);
  for (const s of ALL_STYLES) mkdirSync(join(out, 'images', s), { recursive: true });
  sharp.concurrency(1);
  let done = 0;
  const failures: string[] = [];
  await pool([...toRender.entries()], opts.jobs ?? 4, async ([rel, p]) => {
    const dest = join(out, rel);
    if (!(opts.keepImages && existsSync(dest))) {
      try {
        writeFileSync(dest, await rasterise(p.source, size));
      } catch (e) {
        failures.push(`${p.source}: ${(e as Error).message}`);
        return;
      }
    }
    if (++done % 1000 === 0) log(`rendered ${done}/${toRender.size} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  });
  if (failures.length) {
    // A package image that will not decode is a defect in the inputs: stop before writing manifests that point at it.
    throw new Error(`${failures.length} images failed to rasterise:\n${failures.join('\n')}`);
  }

  for (const [name, pairs] of Object.entries(manifests)) writeJsonl(join(out, `${name}.jsonl`), pairs.map(toRecord));
  writeFileSync(join(out, 'LICENSES.md'), emojiLicenceText());
  const noisy = opts.noise
    ? writeNoisyManifests({ dir: out, manifests: ['train_core', 'train_ext'], ...opts.noise })
    : [];
  const ready = {
    size,
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    images: toRender.size,
    concepts_all_four_styles: split.allFour.length,
    core_concepts: new Set(split.core.map((p) => p.concept.key)).size,
    counts: Object.fromEntries(Object.entries(manifests).map(([k, v]) => [k, v.length])),
    datasets_md: DATASETS_MD_COUNTS,
    noisy: noisy.map((n) => ({ file: n.file.slice(out.length + 1), rows: n.rows, noisy: n.noisy })),
    seconds: Math.round((Date.now() - t0) / 1000),
  };
  writeFileSync(join(out, 'READY'), JSON.stringify(ready, null, 2) + '\n');
  return ready;
}

function parseCli(argv: string[]): EmojiBuildOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', default: 'data/emoji' },
      size: { type: 'string', default: '128' },
      jobs: { type: 'string', default: '4' },
      'keep-images': { type: 'boolean', default: false },
      noise: { type: 'string' },
      rate: { type: 'string', default: '0.2' },
      seed: { type: 'string', default: '1' },
      limit: { type: 'string' },
    },
  });
  const modes = (values.noise ?? '').split(',').filter(Boolean);
  for (const m of modes)
    if (!NOISE_MODES.includes(m as NoiseMode)) throw new Error(`--noise: unknown mode "${m}" (swap|hard|partial)`);
  return {
    out: resolve(values.out!),
    size: Number(values.size),
    jobs: Number(values.jobs),
    keepImages: values['keep-images'],
    ...(modes.length
      ? {
          noise: { modes: modes as NoiseMode[], rates: values.rate!.split(',').map(Number), seed: Number(values.seed) },
        }
      : {}),
    ...(values.limit !== undefined ? { limit: Number(values.limit) } : {}),
    log: (l) => console.log(l),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildEmoji(parseCli(process.argv.slice(2)))
    .then((ready) => console.log(JSON.stringify(ready)))
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
