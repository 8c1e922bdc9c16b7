/**
 * Dense matrix products on row-major typed arrays — the only heavy arithmetic of the head trainer.
 *
 * Written as register-blocked scalar loops (V8 does not vectorise): each inner loop reuses every
 * load several times, which is what makes "10k cached pairs in about a minute" (DESIGN.md §7)
 * reachable on a laptop CPU without native code. Float64Array inputs are accepted so the gradient
 * tests can run the very same code in double precision.
 *
 * Example: `matMulABt(q, bank, logits, rows, cols, 256)` gives logits[r,c] = q[r,:]·bank[c,:].
 */

/** A row-major matrix buffer; Float64Array only in gradient checks. */
export type Vec = Float32Array | Float64Array;

/** A zero-filled buffer of the same precision as `like`. */
export function zerosLike(like: Vec, length: number): Vec {
  return like instanceof Float64Array ? new Float64Array(length) : new Float32Array(length);
}

/**
 * C[m,n] (+)= A[m,k] · B[n,k]ᵀ  (dot products of rows; logits, linear layers y = x·Wᵀ).
 * Blocked 2 rows of A × 4 rows of B: 8 accumulators share 6 loads per step of k.
 */
export function matMulABt(a: Vec, b: Vec, c: Vec, m: number, n: number, k: number, accumulate = false): void {
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

/**
 * C[m,n] (+)= A[m,k] · B[k,n]  (gradient wrt a linear layer's input: dX = dY·W).
 * Row-axpy form, 4 rows of B per pass: one load/store of C per 4 multiply-adds.
 */
export function matMul(a: Vec, b: Vec, c: Vec, m: number, n: number, k: number, accumulate = false): void {
  if (!accumulate) c.fill(0, 0, m * n);
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    const ai = i * k;
    let p = 0;
    for (; p < k4; p += 4) {
      const x0 = a[ai + p]!;
      const x1 = a[ai + p + 1]!;
      const x2 = a[ai + p + 2]!;
      const x3 = a[ai + p + 3]!;
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
      const b0 = p * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        c[ci + j] = c[ci + j]! + x0 * b[b0 + j]! + x1 * b[b1 + j]! + x2 * b[b2 + j]! + x3 * b[b3 + j]!;
      }
    }
    for (; p < k; p++) {
      const x = a[ai + p]!;
      if (x === 0) continue;
      const b0 = p * n;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + x * b[b0 + j]!;
    }
  }
}

/**
 * C[m,n] (+)= A[k,m]ᵀ · B[k,n]  (weight gradients: dW = dYᵀ·X summed over the batch rows).
 * Walks A and B row by row (both contiguous), 4 rows of k per pass.
 */
export function matMulAtB(a: Vec, b: Vec, c: Vec, m: number, n: number, k: number, accumulate = false): void {
  if (!accumulate) c.fill(0, 0, m * n);
  const k4 = k - (k % 4);
  let p = 0;
  for (; p < k4; p += 4) {
    const a0 = p * m;
    const a1 = a0 + m;
    const a2 = a1 + m;
    const a3 = a2 + m;
    const b0 = p * n;
    const b1 = b0 + n;
    const b2 = b1 + n;
    const b3 = b2 + n;
    for (let i = 0; i < m; i++) {
      const x0 = a[a0 + i]!;
      const x1 = a[a1 + i]!;
      const x2 = a[a2 + i]!;
      const x3 = a[a3 + i]!;
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
      const ci = i * n;
      for (let j = 0; j < n; j++) {
        c[ci + j] = c[ci + j]! + x0 * b[b0 + j]! + x1 * b[b1 + j]! + x2 * b[b2 + j]! + x3 * b[b3 + j]!;
      }
    }
  }
  for (; p < k; p++) {
    const a0 = p * m;
    const b0 = p * n;
    for (let i = 0; i < m; i++) {
      const x = a[a0 + i]!;
      if (x === 0) continue;
      const ci = i * n;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + x * b[b0 + j]!;
    }
  }
}
