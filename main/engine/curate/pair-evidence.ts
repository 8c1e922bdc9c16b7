/**
 * The ITC and momentum evidence of every pair against the whole library (noise-score.ts names the parts): one pass
 * over the images in row chunks, each chunk meeting every distinct caption text, so memory stays at
 * chunk × texts floats while time is images × texts × dim (a 4.4k-pair emoji library: about a second).
 *
 * Candidates are DISTINCT caption texts (exact duplicates are one candidate: the same words are the same target),
 * as in ALBEF's retrieval targets where all captions of one id share the mass (spec §1.8 step 4).
 */
import { matMulABt } from '../train/matmul';

export interface EvidenceMatrix {
  /** Row-major [count × dim], L2-normalised. */
  emb: Float32Array;
  /** Momentum embeddings, same shape. */
  memb: Float32Array;
  count: number;
  dim: number;
}

export interface EvidencePair {
  imageRow: number;
  textRow: number;
}

export interface PairEvidence {
  captionRank: number;
  imageRank: number;
  pseudoTargetMass: number;
  cosine: number;
  ownCaptionLoss: number;
  /**
   * Own cosine minus the best competing caption's cosine for the image (confident learning's margin on the
   * image → text side; > 0 when the own caption wins). 0 when the library has no competing caption.
   */
  captionMargin: number;
  /** Own cosine minus the best competing image's cosine for the caption (text → image side), 0 when none. */
  imageMargin: number;
  /** Up to `top` text rows other than the own text, by pseudo-target probability. */
  captions: Array<{ textRow: number; probability: number }>;
  /** Up to `top` image rows other than the own image, by cosine to the own caption. */
  images: Array<{ imageRow: number; cosine: number }>;
}

export interface EvidenceOptions {
  /** ITC temperature τ (heads `temp`). */
  temp: number;
  top?: number;
  chunk?: number;
  /** Called between chunks; the scoring job passes a yield to the event loop so requests are served meanwhile. */
  between?: () => Promise<void>;
}

export async function pairEvidence(
  images: EvidenceMatrix,
  texts: EvidenceMatrix,
  pairs: readonly EvidencePair[],
  options: EvidenceOptions,
): Promise<PairEvidence[]> {
  const { dim } = images;
  if (texts.dim !== dim) throw new RangeError(`image embeddings are ${dim}-d, caption embeddings ${texts.dim}-d`);
  const top = options.top ?? 5;
  const chunk = options.chunk ?? 256;
  const T = texts.count;
  const invTemp = 1 / options.temp;

  const pairsOfImage: number[][] = Array.from({ length: images.count }, () => []);
  const pairsOfText: number[][] = Array.from({ length: T }, () => []);
  const textsOfImage: Array<Set<number>> = Array.from({ length: images.count }, () => new Set());
  const imagesOfText: Array<Set<number>> = Array.from({ length: T }, () => new Set());
  const ownSim = new Float64Array(pairs.length);
  pairs.forEach((p, k) => {
    pairsOfImage[p.imageRow]!.push(k);
    pairsOfText[p.textRow]!.push(k);
    textsOfImage[p.imageRow]!.add(p.textRow);
    imagesOfText[p.textRow]!.add(p.imageRow);
    let s = 0;
    for (let d = 0; d < dim; d++) s += images.emb[p.imageRow * dim + d]! * texts.emb[p.textRow * dim + d]!;
    ownSim[k] = s;
  });

  const out: PairEvidence[] = pairs.map(() => ({
    captionRank: 1,
    imageRank: 1,
    pseudoTargetMass: 0,
    cosine: 0,
    ownCaptionLoss: 0,
    captionMargin: 0,
    imageMargin: 0,
    captions: [],
    images: [],
  }));
  // Best images per text, kept sorted descending; one spare so the own image can be dropped afterwards.
  const bestImages: Array<Array<{ imageRow: number; cosine: number }>> = Array.from({ length: T }, () => []);
  // Best competing image per text (images that carry the text do not compete), for the text → image margin.
  const bestCompetitor = new Float64Array(T).fill(-Infinity);

  const sims = new Float32Array(chunk * T);
  const msims = new Float32Array(chunk * T);
  for (let r0 = 0; r0 < images.count; r0 += chunk) {
    if (r0 > 0) await options.between?.();
    const n = Math.min(chunk, images.count - r0);
    matMulABt(images.emb.subarray(r0 * dim, (r0 + n) * dim), texts.emb, sims, n, T, dim);
    matMulABt(images.memb.subarray(r0 * dim, (r0 + n) * dim), texts.memb, msims, n, T, dim);
    for (let i = 0; i < n; i++) {
      const j = r0 + i;
      const row = sims.subarray(i * T, (i + 1) * T);
      const mrow = msims.subarray(i * T, (i + 1) * T);
      // Image → text ranks and rows' softmaxes (student for the loss baseline, momentum for the pseudo-targets).
      if (pairsOfImage[j]!.length > 0) {
        const studentLse = logSumExp(row, invTemp);
        const momentumLse = logSumExp(mrow, invTemp);
        const ranked = topRows(mrow, top + 1);
        for (const k of pairsOfImage[j]!) {
          const own = pairs[k]!.textRow;
          const o = out[k]!;
          o.cosine = row[own]!;
          o.ownCaptionLoss = studentLse - row[own]! * invTemp;
          o.pseudoTargetMass = Math.exp(mrow[own]! * invTemp - momentumLse);
          let rank = 1;
          let best = -Infinity;
          for (let t = 0; t < T; t++) {
            if (textsOfImage[j]!.has(t)) continue;
            if (row[t]! > row[own]!) rank++;
            if (row[t]! > best) best = row[t]!;
          }
          o.captionRank = rank;
          o.captionMargin = best === -Infinity ? 0 : row[own]! - best;
          o.captions = ranked
            .filter((t) => t !== own)
            .slice(0, top)
            .map((t) => ({ textRow: t, probability: Math.exp(mrow[t]! * invTemp - momentumLse) }));
        }
      }
      // Text → image ranks: this image outranks the own image of pair k when it is closer to k's caption.
      for (let t = 0; t < T; t++) {
        const s = row[t]!;
        const best = bestImages[t]!;
        if (best.length < top + 1 || s > best[best.length - 1]!.cosine)
          insertSorted(best, { imageRow: j, cosine: s }, top + 1);
        const list = pairsOfText[t]!;
        if (list.length === 0 || imagesOfText[t]!.has(j)) continue;
        if (s > bestCompetitor[t]!) bestCompetitor[t] = s;
        for (const k of list) if (s > ownSim[k]!) out[k]!.imageRank++;
      }
    }
  }
  pairs.forEach((p, k) => {
    const competitor = bestCompetitor[p.textRow]!;
    out[k]!.imageMargin = competitor === -Infinity ? 0 : ownSim[k]! - competitor;
    out[k]!.images = bestImages[p.textRow]!.filter((b) => b.imageRow !== p.imageRow).slice(0, top);
  });
  return out;
}

function logSumExp(row: Float32Array, scale: number): number {
  let max = -Infinity;
  for (let t = 0; t < row.length; t++) if (row[t]! > max) max = row[t]!;
  let sum = 0;
  for (let t = 0; t < row.length; t++) sum += Math.exp((row[t]! - max) * scale);
  return max * scale + Math.log(sum);
}

/** Indices of the k largest values, descending (ties: lower index first). */
function topRows(row: Float32Array, k: number): number[] {
  const best: Array<{ imageRow: number; cosine: number }> = [];
  for (let t = 0; t < row.length; t++) {
    if (best.length < k || row[t]! > best[best.length - 1]!.cosine)
      insertSorted(best, { imageRow: t, cosine: row[t]! }, k);
  }
  return best.map((b) => b.imageRow);
}

function insertSorted(
  list: Array<{ imageRow: number; cosine: number }>,
  item: { imageRow: number; cosine: number },
  cap: number,
): void {
  let at = list.length;
  while (at > 0 && list[at - 1]!.cosine < item.cosine) at--;
  list.splice(at, 0, item);
  if (list.length > cap) list.pop();
}
