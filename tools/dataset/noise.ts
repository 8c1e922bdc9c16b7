/**
 * Caption noise on a training manifest (datasets.md, "Caption noise"). Pure and seeded:
 * the same rows, mode, rate and seed give the same output byte for byte.
 * Exactly round(rate·N) rows come out with noisy = true; every other row is unchanged.
 */
import { mulberry32, randInt, shuffledIndices, type Rng } from './prng';
import type { EmojiRecord } from './manifest';

export type NoiseMode = 'swap' | 'hard' | 'partial';
export const NOISE_MODES: readonly NoiseMode[] = ['swap', 'hard', 'partial'];

export interface NoisyRecord extends EmojiRecord {
  noisy: boolean;
  noise_mode: NoiseMode;
  original_caption: string;
  original_caption_tags: string;
}

export function noisyFileName(manifestStem: string, mode: NoiseMode, rate: number, seed: number): string {
  return `${manifestStem}.noisy-${mode}-${rate}-s${seed}.jsonl`;
}

export function applyNoise(rows: readonly EmojiRecord[], mode: NoiseMode, rate: number, seed: number): NoisyRecord[] {
  if (!(rate >= 0 && rate <= 1)) throw new Error(`noise rate must be in [0, 1], got ${rate}`);
  const out: NoisyRecord[] = rows.map((r) => ({
    ...r,
    noisy: false,
    noise_mode: mode,
    original_caption: r.caption,
    original_caption_tags: r.caption_tags,
  }));
  const target = Math.round(rate * rows.length);
  if (target === 0) return out;
  const rng = mulberry32(seed);
  const order = shuffledIndices(rng, rows.length);
  const picked =
    mode === 'swap'
      ? swap(out, order, target)
      : mode === 'hard'
        ? hard(out, order, target, rng)
        : partial(out, order, target, rng);
  if (picked !== target) {
    throw new Error(
      `${mode} noise: cannot corrupt exactly ${target} of ${rows.length} rows (rate ${rate}, seed ${seed}; got ${picked}): too few distinct captions or tags`,
    );
  }
  return out;
}

/**
 * Walk the shuffled order, taking a row only when its caption differs from the previously taken one
 * (every concept appears in up to three styles), then give each taken row the caption of the next one,
 * cyclically. The wrap-around pair is repaired by swapping in a later candidate. Returns how many rows were made noisy.
 */
function swap(out: NoisyRecord[], order: number[], target: number): number {
  const taken: number[] = [];
  let cursor = 0;
  const cap = (i: number): string => out[i]!.original_caption;
  for (; cursor < order.length && taken.length < target; cursor++) {
    const i = order[cursor]!;
    if (taken.length === 0 || cap(i) !== cap(taken[taken.length - 1]!)) taken.push(i);
  }
  if (taken.length < 2) return 0;
  // Wrap-around: the last one must differ from the first too.
  if (cap(taken[taken.length - 1]!) === cap(taken[0]!)) {
    const prev = cap(taken[taken.length - 2]!);
    const first = cap(taken[0]!);
    let fixed = false;
    for (; cursor < order.length; cursor++) {
      const i = order[cursor]!;
      if (cap(i) !== prev && cap(i) !== first) {
        taken[taken.length - 1] = i;
        fixed = true;
        break;
      }
    }
    if (!fixed) return 0;
  }
  const newCaps = taken.map((_, k) => cap(taken[(k + 1) % taken.length]!));
  taken.forEach((i, k) => {
    out[i]!.caption = newCaps[k]!;
    out[i]!.label = newCaps[k]!;
    out[i]!.noisy = true;
  });
  return taken.length;
}

/** Replace the caption by the label of another concept of the same subgroup found in these rows (no held-out text leaks in). */
function hard(out: NoisyRecord[], order: number[], target: number, rng: Rng): number {
  const bySubgroup = new Map<string, Map<string, string>>(); // subgroup → caption → base_id
  for (const r of out) {
    const m = bySubgroup.get(r.subgroup) ?? new Map<string, string>();
    m.set(r.original_caption, r.base_id);
    bySubgroup.set(r.subgroup, m);
  }
  const pools = new Map<string, [string, string][]>();
  for (const [sg, m] of bySubgroup)
    pools.set(
      sg,
      [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    );
  let done = 0;
  for (let c = 0; c < order.length && done < target; c++) {
    const r = out[order[c]!]!;
    // Another concept: not this caption and not a skin variant of the same base concept.
    const candidates = (pools.get(r.subgroup) ?? []).filter(
      ([cap, base]) => cap !== r.original_caption && base !== r.base_id,
    );
    if (candidates.length === 0) continue;
    const [cap] = candidates[randInt(rng, candidates.length)]!;
    r.caption = cap;
    r.label = cap;
    r.noisy = true;
    done++;
  }
  return done;
}

/**
 * Keep the label; corrupt the tag caption: drop about half of the tags (at least one) and put in
 * tags of another row that this row does not have, for half of the dropped ones.
 */
function partial(out: NoisyRecord[], order: number[], target: number, rng: Rng): number {
  let done = 0;
  for (let c = 0; c < order.length && done < target; c++) {
    const r = out[order[c]!]!;
    if (r.tags.length === 0) continue;
    const keep = r.tags.filter(() => rng() >= 0.5);
    if (keep.length === r.tags.length) keep.splice(randInt(rng, keep.length), 1);
    const dropped = r.tags.length - keep.length;
    const own = new Set(r.tags);
    const foreign: string[] = [];
    for (let tries = 0; foreign.length < Math.ceil(dropped / 2) && tries < 50; tries++) {
      const other = out[randInt(rng, out.length)]!.tags;
      const t = other.length ? other[randInt(rng, other.length)]! : undefined;
      if (t !== undefined && !own.has(t) && !foreign.includes(t)) foreign.push(t);
    }
    const tags = [...keep];
    for (const t of foreign) tags.splice(randInt(rng, tags.length + 1), 0, t);
    r.tags = tags;
    r.caption_tags = tags.join(', ');
    r.noisy = true;
    done++;
  }
  return done;
}
