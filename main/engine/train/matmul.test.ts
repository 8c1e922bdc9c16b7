import { describe, expect, it } from 'vitest';
import { matMul, matMulABt, matMulAtB } from './matmul';
import { mulberry32 } from './rng';

function random(n: number, seed: number): Float64Array {
  const r = mulberry32(seed);
  return Float64Array.from({ length: n }, () => r() * 2 - 1);
}

/** Plain triple loop: C[i,j] = Σ_p A(i,p)·B(p,j) with accessors for the transposed layouts. */
function naive(
  m: number,
  n: number,
  k: number,
  a: (i: number, p: number) => number,
  b: (p: number, j: number) => number,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) c[i * n + j]! += a(i, p) * b(p, j);
  return c;
}

function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  return d;
}

// Odd sizes exercise every remainder path of the 2×4 and 4-row blocking.
const shapes: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 7],
  [2, 4, 8],
  [7, 9, 13],
];

describe('matrix products', () => {
  for (const [m, n, k] of shapes) {
    it(`A·Bᵀ, A·B and Aᵀ·B equal the triple loop for ${m}×${n}×${k}, and accumulate when asked`, () => {
      const a = random(m * k, 1);
      const bt = random(n * k, 2);
      const c = new Float64Array(m * n);
      matMulABt(a, bt, c, m, n, k);
      const ref1 = naive(
        m,
        n,
        k,
        (i, p) => a[i * k + p]!,
        (p, j) => bt[j * k + p]!,
      );
      expect(maxAbsDiff(c, ref1)).toBeLessThan(1e-12);
      matMulABt(a, bt, c, m, n, k, true);
      expect(
        maxAbsDiff(
          c,
          ref1.map((v) => 2 * v),
        ),
      ).toBeLessThan(1e-12);

      const b = random(k * n, 3);
      const c2 = new Float64Array(m * n).fill(7);
      matMul(a, b, c2, m, n, k);
      const ref2 = naive(
        m,
        n,
        k,
        (i, p) => a[i * k + p]!,
        (p, j) => b[p * n + j]!,
      );
      expect(maxAbsDiff(c2, ref2)).toBeLessThan(1e-12);

      const at = random(k * m, 4);
      const c3 = new Float64Array(m * n).fill(1);
      matMulAtB(at, b, c3, m, n, k, true);
      const ref3 = naive(
        m,
        n,
        k,
        (i, p) => at[p * m + i]!,
        (p, j) => b[p * n + j]!,
      );
      expect(
        maxAbsDiff(
          c3,
          ref3.map((v) => v + 1),
        ),
      ).toBeLessThan(1e-12);
    });
  }

  it('float32 results match float64 within single-precision rounding', () => {
    const [m, n, k] = [9, 11, 256];
    const a = random(m * k, 5);
    const b = random(n * k, 6);
    const c64 = new Float64Array(m * n);
    const c32 = new Float32Array(m * n);
    matMulABt(a, b, c64, m, n, k);
    matMulABt(Float32Array.from(a), Float32Array.from(b), c32, m, n, k);
    expect(maxAbsDiff(c32, c64)).toBeLessThan(1e-5);
  });
});
