/**
 * One direction (i2t or t2i) of ALBEF's contrastive loss over a candidate bank, with momentum
 * distillation and USI's KD term (spec §1.8 steps 3–5, §2.1, §2.3 item 1):
 *
 *   p_s = softmax(q · K / τ)                       student row over the bank K = [in-batch momentum ; queue]
 *   hard = pos / pos.sum(row)                       every column of the row's group is a positive (step 4)
 *   y = α_r·softmax(q_m · K / τ) + (1−α_r)·hard     momentum teacher, same bank and τ (step 5)
 *   L_itc = −Σ y·log p_s
 *   L_kd  = KL(p_b ‖ p_s),  p_b = softmax(q_b · K_b / τ_b)   frozen base heads at temperature 1 (no T², §2.3 item 2)
 *
 * KD bank choice (§2.3 item 5): the base teacher scores its own query against the *base* features of the
 * very same candidate columns (K_b, kept in a parallel queue), with its own stored τ_b. Scoring against
 * the momentum bank would let the teacher's targets drift with the student, and the point of USI's fixed
 * teacher here is to anchor the heads against drift on a small user dataset. Same columns, same order,
 * so p_b and p_s are distributions over identical candidates.
 *
 * dL/ds = (p_s − y) + α_kd·(p_s − p_b) per row (CE and KL share ∂/∂s), scaled by `scale / rowsUsed`.
 */
import { matMul, matMulABt, type Vec, zerosLike } from './matmul';

/** Column slot that is empty (queue not yet filled): excluded from every row. */
export const EMPTY_GROUP = -1;

export interface CandidateBank {
  count: number;
  /** [count, dim] momentum features (no gradient). */
  features: Vec;
  /** [count, dim] base-head features of the same columns; null when KD is off. */
  baseFeatures: Vec | null;
  /** Group of each column; EMPTY_GROUP = unused slot. */
  group: Int32Array;
  /**
   * 1 = a caption the user rejected for its image: never a positive, and shown only to rows of its own
   * group (it is known to be wrong for that image, nothing is known about other images).
   */
  negativeOnly: Uint8Array;
}

export interface QueryRows {
  count: number;
  /** [count, dim] student features (the ones with gradient). */
  features: Vec;
  /** [count, dim] momentum features of the same rows; null when no row uses MoD. */
  momentumFeatures: Vec | null;
  /** [count, dim] base-head features of the same rows; null when KD is off. */
  baseFeatures: Vec | null;
  /** EMPTY_GROUP = no row here (e.g. the t2i row of a rejected caption). */
  group: Int32Array;
  /** Per-row MoD weight α_r (0 = pure hard targets). */
  alpha: Float64Array;
}

export interface CandidateLossOptions {
  dim: number;
  temp: number;
  /**
   * τ for the momentum teacher's logits. ALBEF uses the student's `temp` under no_grad; passing its value
   * here makes that stop-gradient explicit (dTemp flows through the student logits only).
   */
  teacherTemp: number;
  baseTemp: number;
  alphaKd: number;
  /** Multiplies loss and gradients (0.5 to average the two directions). */
  scale: number;
}

export interface CandidateLossResult {
  /** Scaled mean over used rows. */
  itc: number;
  /** Scaled mean KL over used rows (not yet multiplied by α_kd). */
  kd: number;
  rowsUsed: number;
  /** [rows, dim] dL/dq, where L = itc + α_kd·kd. */
  dQuery: Vec;
  /** dL/dτ through the student logits only (teacher logits are no-grad, as in ALBEF). */
  dTemp: number;
}

export function candidateLoss(rows: QueryRows, bank: CandidateBank, o: CandidateLossOptions): CandidateLossResult {
  const R = rows.count;
  const C = bank.count;
  const { dim, temp, teacherTemp, baseTemp, alphaKd } = o;
  const useKd = alphaKd > 0;
  if (useKd && (!rows.baseFeatures || !bank.baseFeatures)) throw new Error('candidateLoss: KD needs base features');
  let useMod = false;
  for (let r = 0; r < R; r++) if (rows.alpha[r]! > 0) useMod = true;
  if (useMod && !rows.momentumFeatures) throw new Error('candidateLoss: MoD needs momentum features');

  const dots = zerosLike(rows.features, R * C);
  matMulABt(rows.features, bank.features, dots, R, C, dim);
  const teacherDots = useMod ? zerosLike(dots, R * C) : null;
  if (teacherDots) matMulABt(rows.momentumFeatures!, bank.features, teacherDots, R, C, dim);
  const baseDots = useKd ? zerosLike(dots, R * C) : null;
  if (baseDots) matMulABt(rows.baseFeatures!, bank.baseFeatures!, baseDots, R, C, dim);

  // Which rows count: a row needs its own group and at least one positive column.
  const rowUsed = new Uint8Array(R);
  let rowsUsed = 0;
  for (let r = 0; r < R; r++) {
    const g = rows.group[r]!;
    if (g === EMPTY_GROUP) continue;
    for (let j = 0; j < C; j++) {
      if (bank.group[j] === g && bank.negativeOnly[j] === 0) {
        rowUsed[r] = 1;
        rowsUsed++;
        break;
      }
    }
  }

  const grad = zerosLike(dots, R * C); // dL/ds (s = logits after /τ)
  let itc = 0;
  let kd = 0;
  let dTemp = 0;
  const s = new Float64Array(C);
  const t = new Float64Array(C);
  const b = new Float64Array(C);
  const ps = new Float64Array(C);
  const pt = new Float64Array(C);
  const pb = new Float64Array(C);
  const w = rowsUsed > 0 ? o.scale / rowsUsed : 0;
  const invT = 1 / temp;
  const invTm = 1 / teacherTemp;
  const invTb = 1 / baseTemp;
  // Three passes over the columns per row (logits + maxima, exps + sums, targets + gradient): each logit is
  // exponentiated once, and p = e/Σ is formed where it is used (profiled: these loops are the trainer's second
  // cost after the SIMD products).
  for (let r = 0; r < R; r++) {
    if (!rowUsed[r]) continue;
    const g = rows.group[r]!;
    const off = r * C;
    const alpha = rows.alpha[r]!;
    const useT = teacherDots !== null && alpha > 0;
    let positives = 0;
    let maxS = -Infinity;
    let maxT = -Infinity;
    let maxB = -Infinity;
    for (let j = 0; j < C; j++) {
      const cg = bank.group[j]!;
      const allowed = cg !== EMPTY_GROUP && (bank.negativeOnly[j] === 0 || cg === g);
      if (!allowed) {
        s[j] = -Infinity;
        continue;
      }
      const sj = dots[off + j]! * invT;
      s[j] = sj;
      if (sj > maxS) maxS = sj;
      if (useT) {
        const tj = teacherDots[off + j]! * invTm;
        t[j] = tj;
        if (tj > maxT) maxT = tj;
      }
      if (baseDots) {
        const bj = baseDots[off + j]! * invTb;
        b[j] = bj;
        if (bj > maxB) maxB = bj;
      }
      if (cg === g && bank.negativeOnly[j] === 0) positives++;
    }
    let sumS = 0;
    let sumT = 0;
    let sumB = 0;
    for (let j = 0; j < C; j++) {
      if (s[j] === -Infinity) continue;
      const es = Math.exp(s[j]! - maxS);
      ps[j] = es;
      sumS += es;
      if (useT) {
        const et = Math.exp(t[j]! - maxT);
        pt[j] = et;
        sumT += et;
      }
      if (baseDots) {
        const eb = Math.exp(b[j]! - maxB);
        pb[j] = eb;
        sumB += eb;
      }
    }
    const lseS = maxS + Math.log(sumS);
    const lseB = baseDots ? maxB + Math.log(sumB) : 0;
    const invSumS = 1 / sumS;
    const invSumT = useT ? 1 / sumT : 0;
    const invSumB = baseDots ? 1 / sumB : 0;
    const hardValue = 1 / positives;
    let rowItc = 0;
    let rowKd = 0;
    for (let j = 0; j < C; j++) {
      if (s[j] === -Infinity) continue;
      const logPs = s[j]! - lseS;
      const psj = ps[j]! * invSumS;
      const hard = bank.group[j] === g && bank.negativeOnly[j] === 0 ? hardValue : 0;
      const y = useT ? alpha * pt[j]! * invSumT + (1 - alpha) * hard : hard;
      rowItc -= y * logPs;
      let gj = psj - y;
      if (baseDots) {
        const pbj = pb[j]! * invSumB;
        if (pbj > 0) rowKd += pbj * (b[j]! - lseB - logPs);
        gj += alphaKd * (psj - pbj);
      }
      gj *= w;
      grad[off + j] = gj;
      dTemp -= gj * s[j]! * invT; // ∂s/∂τ = −s/τ
    }
    itc += rowItc;
    kd += rowKd;
  }
  // dq = (dL/ds · K) / τ
  const dQuery = zerosLike(rows.features, R * dim);
  matMul(grad, bank.features, dQuery, R, dim, C);
  for (let i = 0; i < dQuery.length; i++) dQuery[i] = dQuery[i]! * invT;
  return { itc: itc * w, kd: kd * w, rowsUsed, dQuery, dTemp };
}
