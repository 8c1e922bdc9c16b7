/**
 * Forward/backward of the layers the head trainer uses: linear, GELU, residual adapter, L2 normalisation.
 * Backward functions ADD into gradient buffers so a parameter used by several paths sums its gradients.
 */
import { matMul, matMulABt, matMulAtB, type Vec, zerosLike } from './matmul';

/** y[n,out] = x[n,in] · Wᵀ + b, with W stored [out,in] exactly as torch.nn.Linear (and heads.safetensors). */
export function linearForward(x: Vec, weight: Vec, bias: Vec, rows: number, inDim: number, outDim: number): Vec {
  const y = zerosLike(x, rows * outDim);
  matMulABt(x, weight, y, rows, outDim, inDim);
  for (let r = 0; r < rows; r++) {
    const o = r * outDim;
    for (let j = 0; j < outDim; j++) y[o + j] = y[o + j]! + bias[j]!;
  }
  return y;
}

/**
 * Given dY[n,out]: dW += dYᵀ·x, db += Σ_rows dY; returns dX = dY·W (or null when `needInputGrad` is false,
 * which saves a third of the work for the plain projection whose input is a frozen feature).
 */
export function linearBackward(
  x: Vec,
  weight: Vec,
  dY: Vec,
  gradWeight: Vec,
  gradBias: Vec,
  rows: number,
  inDim: number,
  outDim: number,
  needInputGrad: boolean,
): Vec | null {
  matMulAtB(dY, x, gradWeight, outDim, inDim, rows, true);
  for (let r = 0; r < rows; r++) {
    const o = r * outDim;
    for (let j = 0; j < outDim; j++) gradBias[j] = gradBias[j]! + dY[o + j]!;
  }
  if (!needInputGrad) return null;
  const dX = zerosLike(x, rows * inDim);
  matMul(dY, weight, dX, rows, inDim, outDim);
  return dX;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** GELU, tanh form (BERT/ViT use erf; the adapter is new, so the cheaper smooth form is fine). */
export function geluForward(x: Vec): Vec {
  const y = zerosLike(x, x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    y[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
  }
  return y;
}

/** dX = dY ⊙ gelu'(x). */
export function geluBackward(x: Vec, dY: Vec): Vec {
  const dX = zerosLike(x, x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const u = SQRT_2_OVER_PI * (v + 0.044715 * v * v * v);
    const t = Math.tanh(u);
    const du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
    dX[i] = dY[i]! * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du);
  }
  return dX;
}

/** Row-wise L2 normalisation as F.normalize(dim=-1) (eps 1e-12). Returns y and the norms for backward. */
export function l2NormalizeForward(x: Vec, rows: number, dim: number): { y: Vec; norms: Float64Array } {
  const y = zerosLike(x, rows * dim);
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let s = 0;
    for (let j = 0; j < dim; j++) s += x[o + j]! * x[o + j]!;
    const n = Math.max(Math.sqrt(s), 1e-12);
    norms[r] = n;
    const inv = 1 / n;
    for (let j = 0; j < dim; j++) y[o + j] = x[o + j]! * inv;
  }
  return { y, norms };
}

/** dX = (dY − y·(y·dY)) / ‖x‖ — the Jacobian of x/‖x‖ applied row by row. */
export function l2NormalizeBackward(y: Vec, norms: Float64Array, dY: Vec, rows: number, dim: number): Vec {
  const dX = zerosLike(y, rows * dim);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += y[o + j]! * dY[o + j]!;
    const inv = 1 / norms[r]!;
    for (let j = 0; j < dim; j++) dX[o + j] = (dY[o + j]! - y[o + j]! * dot) * inv;
  }
  return dX;
}
