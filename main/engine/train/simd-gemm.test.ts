import { describe, expect, it } from 'vitest';
import { matMulABt, matMulABtScalar } from './matmul';
import { mulberry32 } from './rng';
import { SimdGemm } from './simd-gemm';

function random32(n: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

/** float64 reference of A·Bᵀ from the float32 operands. */
function reference(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[j * k + p]!;
      c[i * n + j] = s;
    }
  return c;
}

function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  return d;
}

describe('WebAssembly SIMD A·Bᵀ', () => {
  it('is available in this Node (the trainer timing in docs/fine-tune.md depends on it)', () => {
    expect(SimdGemm.shared()).not.toBeNull();
  });

  // Every padding case: m odd, n not a multiple of 4, k not a multiple of 4, and the widths of a step (256, 768).
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [3, 5, 7],
    [2, 4, 4],
    [31, 37, 129],
    [34, 72, 256],
    [6, 40, 768],
  ];
  for (const [m, n, k] of shapes) {
    it(`equals the float64 product within float32 rounding for ${m}×${n}×${k}, and accumulates`, () => {
      const a = random32(m * k, 11);
      const b = random32(n * k, 12);
      const ref = reference(a, b, m, n, k);
      const c = new Float32Array(m * n).fill(Number.NaN);
      SimdGemm.shared()!.abt(a, b, c, m, n, k, false);
      // |error| ≲ k·ε·Σ|a·b|; with entries in [−1, 1] that is below 2e-7·k.
      expect(maxAbsDiff(c, ref)).toBeLessThan(2e-7 * k + 1e-6);
      SimdGemm.shared()!.abt(a, b, c, m, n, k, true);
      expect(
        maxAbsDiff(
          c,
          ref.map((v) => 2 * v),
        ),
      ).toBeLessThan(4e-7 * k + 2e-6);
    });
  }

  it('leaves views into larger buffers and the rest of C alone', () => {
    const [m, n, k] = [5, 6, 9];
    const big = random32(m * k + 50, 13);
    const a = big.subarray(10, 10 + m * k);
    const b = random32(n * k, 14);
    const c = new Float32Array(m * n + 3).fill(42);
    SimdGemm.shared()!.abt(a, b, c, m, n, k, false);
    expect(maxAbsDiff(c.subarray(0, m * n), reference(a.slice(), b, m, n, k))).toBeLessThan(1e-5);
    expect([...c.subarray(m * n)]).toEqual([42, 42, 42]);
  });

  it('is what matMulABt runs for float32 products, and agrees with the scalar kernel', () => {
    const [m, n, k] = [64, 96, 256];
    const a = random32(m * k, 15);
    const b = random32(n * k, 16);
    const viaDispatch = new Float32Array(m * n);
    const viaSimd = new Float32Array(m * n);
    const viaScalar = new Float32Array(m * n);
    matMulABt(a, b, viaDispatch, m, n, k);
    SimdGemm.shared()!.abt(a, b, viaSimd, m, n, k, false);
    matMulABtScalar(a, b, viaScalar, m, n, k);
    expect(viaDispatch).toEqual(viaSimd);
    expect(maxAbsDiff(viaDispatch, viaScalar)).toBeLessThan(1e-4);
  });
});
