/**
 * Dense matrix products on row-major typed arrays — the only heavy arithmetic of the head trainer.
 *
 * Float32 products of some size run on a WebAssembly SIMD kernel (simd-gemm.ts); the register-blocked
 * scalar loops below serve float64 (the gradient tests run the very same layer code in double precision),
 * tiny shapes, and runtimes without wasm SIMD. No native code either way.
 *
 * Example: `matMulABt(q, bank, logits, rows, cols, 256)` gives logits[r,c] = q[r,:]·bank[c,:].
 */
import { SimdGemm } from './simd-gemm';

/** A row-major matrix buffer; Float64Array only in gradient checks. */
export type Vec = Float32Array | Float64Array;

/** A zero-filled buffer of the same precision as `like`. */
export function zerosLike(like: Vec, length: number): Vec {
  return like instanceof Float64Array ? new Float64Array(length) : new Float32Array(length);
}

/** Below this many multiply-adds the copies into wasm memory cost more than the scalar loop saves. */
const SIMD_MIN_MACS = 16_384;

/**
 * C[m,n] (+)= A[m,k] · B[n,k]ᵀ  (dot products of rows; logits, linear layers y = x·Wᵀ).
 * All-float32 products of some size go to the WebAssembly SIMD kernel (simd-gemm.ts, ~10× faster here);
 * the rest (float64 gradient checks, tiny shapes, no wasm SIMD) run the scalar loop below.
 */
export function matMulABt(a: Vec, b: Vec, c: Vec, m: number, n: number, k: number, accumulate = false): void {
  if (
    a instanceof Float32Array &&
    b instanceof Float32Array &&
    c instanceof Float32Array &&
    m * n * k >= SIMD_MIN_MACS
  ) {
    const simd = SimdGemm.shared();
    if (simd) {
      simd.abt(a, b, c, m, n, k, accumulate);
      return;
    }
  }
  matMulABtScalar(a, b, c, m, n, k, accumulate);
}

/**
 * The scalar kernel, in float64 arithmetic: blocked 2 rows of A × 4 rows of B, 8 accumulators share 6 loads
 * per step of k (V8 does not vectorise JS).
 */
export function matMulABtScalar(a: Vec, b: Vec, c: Vec, m: number, n: number, k: number, accumulate = false): void {
  const n4 = n - (n % 4);
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = i * k;
    const a1 = a0 + k;
    const c0 = i * n;
    const c1 = c0 + n;
    let j = 0;
    for (; j < n4; j += 4) {
      const b0 = j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0; // prettier-ignore
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p]!;
        const x1 = a[a1 + p]!;
        const y0 = b[b0 + p]!;
        const y1 = b[b1 + p]!;
        const y2 = b[b2 + p]!;
        const y3 = b[b3 + p]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      if (accumulate) {
        c[c0 + j] = c[c0 + j]! + s00;
        c[c0 + j + 1] = c[c0 + j + 1]! + s01;
        c[c0 + j + 2] = c[c0 + j + 2]! + s02;
        c[c0 + j + 3] = c[c0 + j + 3]! + s03;
        c[c1 + j] = c[c1 + j]! + s10;
        c[c1 + j + 1] = c[c1 + j + 1]! + s11;
        c[c1 + j + 2] = c[c1 + j + 2]! + s12;
        c[c1 + j + 3] = c[c1 + j + 3]! + s13;
      } else {
        c[c0 + j] = s00;
        c[c0 + j + 1] = s01;
        c[c0 + j + 2] = s02;
        c[c0 + j + 3] = s03;
        c[c1 + j] = s10;
        c[c1 + j + 1] = s11;
        c[c1 + j + 2] = s12;
        c[c1 + j + 3] = s13;
      }
    }
    for (; j < n; j++) {
      const b0 = j * k;
      let s0 = 0;
      let s1 = 0;
      for (let p = 0; p < k; p++) {
        const y = b[b0 + p]!;
        s0 += a[a0 + p]! * y;
        s1 += a[a1 + p]! * y;
      }
      c[c0 + j] = accumulate ? c[c0 + j]! + s0 : s0;
      c[c1 + j] = accumulate ? c[c1 + j]! + s1 : s1;
    }
  }
  for (; i < m; i++) {
    const a0 = i * k;
    const c0 = i * n;
    for (let j = 0; j < n; j++) {
      const b0 = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[a0 + p]! * b[b0 + p]!;
      c[c0 + j] = accumulate ? c[c0 + j]! + s : s;
    }
  }
}

/** Bᵀ of a row-major [rows, cols] matrix, into `out` ([cols, rows]). */
export function transpose(b: Vec, rows: number, cols: number, out: Vec): Vec {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = b[o + c]!;
  }
  return out;
}

/**
 * C[m,n] (+)= A[m,k] · B[k,n]  (gradient wrt a linear layer's input: dX = dY·W; dq = dS·K).
 * Transposes B once (k·n copies) to reuse the dot-product kernel, which does 8 multiply-adds per 6 loads
 * against 4 per 6 for the row-axpy form — measured about 1.5–2× faster here.
 */
export function matMul(a: Vec, b: Vec, c: Vec, m: number, n: number, k: number, accumulate = false): void {
  const bt = transpose(b, k, n, zerosLike(b, k * n));
  matMulABt(a, bt, c, m, n, k, accumulate);
}

/**
 * C[m,n] (+)= A[k,m]ᵀ · B[k,n]  (weight gradients: dW = dYᵀ·X summed over the batch rows).
 * Both operands are transposed once (k·(m+n) copies, small next to k·m·n) for the dot-product kernel.
 */
export function matMulAtB(a: Vec, b: Vec, c: Vec, m: number, n: number, k: number, accumulate = false): void {
  const at = transpose(a, k, m, zerosLike(a, k * m));
  const bt = transpose(b, k, n, zerosLike(b, k * n));
  matMulABt(at, bt, c, m, n, k, accumulate);
}
