/**
 * Retrieval evaluation on an image–caption manifest (spec §1.9; same protocol as tools/albef/evaluate.py so
 * that the figures can be compared): gallery = every row's image, texts = the distinct (id, caption) pairs,
 * a text matches an image when their ids are equal. ITC ranks by cosine; the ITM re-rank gives the ITC
 * top-k the raw class-1 ITM logit and keeps every other candidate below them in ITC order.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface ManifestRow {
  image: string;
  caption: string;
  id: string;
  line: number;
}

export interface Recalls {
  r1: number;
  r5: number;
  r10: number;
}

/** JSONL rows {image (relative to the manifest), caption, id}; a bad row is named by file and line. */
export async function readEvalManifest(file: string, options: { dropGroups?: string[] } = {}): Promise<ManifestRow[]> {
  const base = path.dirname(path.resolve(file));
  const text = await readFile(file, 'utf8');
  const rows: ManifestRow[] = [];
  const drop = new Set(options.dropGroups ?? ['flags']);
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    const line = i + 1;
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(raw) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`${file}:${line}: not JSON (${(err as Error).message})`);
    }
    if (typeof r.group === 'string' && drop.has(r.group)) return;
    for (const field of ['image', 'caption'] as const) {
      if (typeof r[field] !== 'string') throw new Error(`${file}:${line}: field "${field}" must be a string`);
    }
    if (typeof r.id !== 'string' && typeof r.id !== 'number')
      throw new Error(`${file}:${line}: field "id" must be a string or number`);
    rows.push({ image: path.resolve(base, r.image as string), caption: r.caption as string, id: String(r.id), line });
  });
  return rows;
}

export function distinctTexts(rows: readonly ManifestRow[]): Array<{ caption: string; id: string }> {
  const seen = new Set<string>();
  const out: Array<{ caption: string; id: string }> = [];
  for (const r of rows) {
    const key = `${r.id}\u0000${r.caption}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ caption: r.caption, id: r.id });
    }
  }
  return out;
}

/** Row-major [n × m] cosine matrix of unit vectors. */
export function similarity(a: readonly Float32Array[], b: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(a.length * b.length);
  a.forEach((x, i) => {
    b.forEach((y, j) => {
      let dot = 0;
      for (let d = 0; d < x.length; d++) dot += x[d]! * y[d]!;
      out[i * b.length + j] = dot;
    });
  });
  return out;
}

export function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = m[i * cols + j]!;
  return out;
}

/** R@1/5/10 as fractions: a row counts when its best-ranked matching column is within the top K. */
export function recallAt(
  scores: Float32Array,
  rows: number,
  cols: number,
  match: (row: number, col: number) => boolean,
): Recalls {
  const hits = { r1: 0, r5: 0, r10: 0 };
  const order = Array.from({ length: cols }, (_, j) => j);
  for (let i = 0; i < rows; i++) {
    const row = scores.subarray(i * cols, (i + 1) * cols);
    // Stable sort by descending score: ties keep column order, like a stable argsort.
    order.sort((a, b) => row[b]! - row[a]! || a - b);
    const rank = order.findIndex((j) => match(i, j));
    if (rank < 0) continue;
    if (rank < 1) hits.r1++;
    if (rank < 5) hits.r5++;
    if (rank < 10) hits.r10++;
  }
  return { r1: hits.r1 / rows, r5: hits.r5 / rows, r10: hits.r10 / rows };
}

/** Column indices of the k highest scores of a row, best first. */
export function topK(row: Float32Array, k: number): number[] {
  const idx = Array.from({ length: row.length }, (_, j) => j);
  idx.sort((a, b) => row[b]! - row[a]! || a - b);
  return idx.slice(0, Math.min(k, row.length));
}

/**
 * ITM re-rank: each query row's ITC top-k get `score(query, candidates)` (ITM logits); every other
 * candidate keeps its cosine − 10⁴ so it stays below them in ITC order (tools/albef/evaluate.py).
 */
export async function itmRerank(
  sim: Float32Array,
  rows: number,
  cols: number,
  k: number,
  score: (query: number, candidates: number[]) => Promise<ArrayLike<number>>,
): Promise<Float32Array> {
  const out = sim.map((v) => v - 1e4);
  for (let i = 0; i < rows; i++) {
    const cands = topK(sim.subarray(i * cols, (i + 1) * cols), k);
    const logits = await score(i, cands);
    cands.forEach((j, n) => (out[i * cols + j] = logits[n]!));
  }
  return out;
}
