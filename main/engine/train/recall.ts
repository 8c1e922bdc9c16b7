/**
 * Recall@K in both directions over a gallery of embeddings with group ids (spec §1.9 step 8, ITC only):
 * image→text counts a hit when any caption of the image's group ranks within K; text→image likewise.
 * Ties are resolved against the positive (a negative with an equal score counts as ranked above), so
 * degenerate embeddings cannot score well.
 */
import { matMulABt } from './matmul';

export interface Gallery {
  dim: number;
  images: Float32Array;
  imageGroup: Int32Array;
  texts: Float32Array;
  textGroup: Int32Array;
}

export interface RecallAtK {
  r1: number;
  r5: number;
  r10: number;
}

export interface RecallReport {
  i2t: RecallAtK;
  t2i: RecallAtK;
  images: number;
  texts: number;
}

function directional(q: Float32Array, qGroup: Int32Array, k: Float32Array, kGroup: Int32Array, dim: number): RecallAtK {
  const nq = qGroup.length;
  const nk = kGroup.length;
  const hits = [0, 0, 0];
  const chunk = 256;
  const scores = new Float32Array(chunk * nk);
  for (let r0 = 0; r0 < nq; r0 += chunk) {
    const n = Math.min(chunk, nq - r0);
    matMulABt(q.subarray(r0 * dim, (r0 + n) * dim), k, scores, n, nk, dim);
    for (let r = 0; r < n; r++) {
      const g = qGroup[r0 + r]!;
      const off = r * nk;
      let best = -Infinity;
      for (let j = 0; j < nk; j++) if (kGroup[j] === g && scores[off + j]! > best) best = scores[off + j]!;
      if (best === -Infinity) continue; // no positive in the gallery: a miss
      let above = 0;
      for (let j = 0; j < nk; j++) if (kGroup[j] !== g && scores[off + j]! >= best) above++;
      if (above < 1) hits[0]!++;
      if (above < 5) hits[1]!++;
      if (above < 10) hits[2]!++;
    }
  }
  const d = Math.max(1, nq);
  return { r1: hits[0]! / d, r5: hits[1]! / d, r10: hits[2]! / d };
}

export function recallReport(g: Gallery): RecallReport {
  return {
    i2t: directional(g.images, g.imageGroup, g.texts, g.textGroup, g.dim),
    t2i: directional(g.texts, g.textGroup, g.images, g.imageGroup, g.dim),
    images: g.imageGroup.length,
    texts: g.textGroup.length,
  };
}
