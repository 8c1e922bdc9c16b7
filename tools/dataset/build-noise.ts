/**
 * Write noisy variants of the training manifests (datasets.md, "Caption noise"); test sets are never touched.
 *   npx tsx tools/dataset/build-noise.ts --out data/emoji --noise hard --rate 0.2 --seed 1
 *   (--rate and --noise take comma lists; --manifests defaults to train_core,train_ext)
 * Writes e.g. data/emoji/train_core.noisy-hard-0.2-s1.jsonl next to its source, so image paths stay valid.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readJsonl, writeJsonl, type EmojiRecord } from './manifest';
import { applyNoise, noisyFileName, NOISE_MODES, type NoiseMode } from './noise';

export interface NoiseJob {
  dir: string;
  manifests: string[];
  modes: NoiseMode[];
  rates: number[];
  seed: number;
}

export function writeNoisyManifests(job: NoiseJob): { file: string; rows: number; noisy: number }[] {
  if (job.rates.some((r) => !(r >= 0 && r <= 1)))
    throw new Error(`noise rates must be in [0, 1], got ${job.rates.join(',')}`);
  if (!Number.isInteger(job.seed) || job.seed < 0)
    throw new Error(`noise seed must be a non-negative integer, got ${job.seed}`);
  const written: { file: string; rows: number; noisy: number }[] = [];
  for (const stem of job.manifests) {
    if (!stem.startsWith('train_')) throw new Error(`noise goes on training manifests only, not "${stem}"`);
    const src = join(job.dir, `${stem}.jsonl`);
    const rows = readJsonl<EmojiRecord>(readFileSync(src, 'utf8'), src);
    for (const mode of job.modes) {
      for (const rate of job.rates) {
        const noisy = applyNoise(rows, mode, rate, job.seed);
        const file = join(job.dir, noisyFileName(stem, mode, rate, job.seed));
        writeJsonl(file, noisy);
        written.push({
          file,
          rows: noisy.length,
          noisy: noisy.filter((r) => r.noisy).length,
        });
      }
    }
  }
  return written;
}

export function parseNoiseArgs(argv: string[]): NoiseJob {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    strict: false,
    options: {
      out: { type: 'string', default: 'data/emoji' },
      manifests: { type: 'string', default: 'train_core,train_ext' },
      noise: { type: 'string' },
      rate: { type: 'string', default: '0.2' },
      seed: { type: 'string', default: '1' },
    },
  });
  const modes = String(values.noise ?? '')
    .split(',')
    .filter(Boolean);
  for (const m of modes)
    if (!NOISE_MODES.includes(m as NoiseMode)) throw new Error(`--noise: unknown mode "${m}" (swap|hard|partial)`);
  const rates = String(values.rate).split(',').map(Number);
  if (rates.some((r) => !(r >= 0 && r <= 1)))
    throw new Error(`--rate: each rate must be in [0, 1], got ${values.rate}`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got ${values.seed}`);
  return {
    dir: resolve(String(values.out)),
    manifests: String(values.manifests).split(','),
    modes: modes as NoiseMode[],
    rates,
    seed,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const job = parseNoiseArgs(process.argv.slice(2));
    if (job.modes.length === 0) throw new Error('--noise swap|hard|partial is required');
    for (const w of writeNoisyManifests(job)) console.log(`${w.file}: ${w.noisy}/${w.rows} noisy`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
