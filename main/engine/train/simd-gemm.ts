/**
 * C[m,n] = A[m,k]·B[n,k]ᵀ in float32 with WebAssembly SIMD (f32x4): the head trainer's hot loop
 * (issue #10 "about a minute" for 10k pairs; docs/fine-tune.md "Timing"). A profile of the fine-tune put
 * 83% of its time in the scalar JS kernel of matmul.ts; V8 does not vectorise JS, but it compiles wasm
 * SIMD to SSE, four multiply-adds per instruction.
 *
 * The module is a few hundred bytes, written out below instruction by instruction (no toolchain, no binary
 * blob in the repo, nothing fetched). It computes 2 rows of A × 4 rows of B per pass over k: 8 f32x4
 * accumulators, 6 loads per 8 vector multiply-adds. Operands are copied into the module's own memory,
 * padded with zero rows/columns to the block shape (zeros do not change a dot product), so the kernel
 * has no remainder paths; the copies are O(mk + nk + mn) against the product's O(mnk).
 *
 * Accumulation is float32 (the JS kernel sums in float64): differences are at float32 rounding level.
 * Float64 operands (the gradient checks) never come here.
 *
 * Example: `const g = SimdGemm.shared(); if (g) g.abt(a, b, c, m, n, k, false);`
 */

// --- a minimal wasm encoder: just what the one function needs --------------------------------------
const uleb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
};
const sleb = (v: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
};
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

const I32 = 0x7f;
const V128 = 0x7b;
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32 = (v: number) => [0x41, ...sleb(v)];
const ADD = 0x6a;
const MUL = 0x6c;
const LT_U = 0x49;
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const V128_LOAD = (offset = 0) => simd(0x00, 4, ...uleb(offset)); // align 2^4
const F32X4_ADD = simd(0xe4);
const F32X4_MUL = simd(0xe6);
const F32X4_EXTRACT = (lane: number) => simd(0x1f, lane);
const V128_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));
const F32_ADD = 0x92;
const F32_STORE = (offset: number) => [0x38, 2, ...uleb(offset)];

// Locals: params a b c m n k (0–5; a/b/c byte addresses, k a multiple of 4), then the ones below.
const [A, B, C, M, N, K] = [0, 1, 2, 3, 4, 5];
const [I, J, P, PA0, PA1, PB0, PB1, PB2, PB3, KB, PC, NB] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
const S = [18, 19, 20, 21, 22, 23, 24, 25]; // s00 s01 s02 s03 s10 s11 s12 s13
const [X0, X1, Y] = [26, 27, 28];

function kernelBody(): number[] {
  const code: number[] = [];
  const emit = (...parts: Array<number | number[]>) => {
    for (const p of parts) {
      if (typeof p === 'number') code.push(p);
      else code.push(...p);
    }
  };
  // kb = k*4, nb = n*4 (row strides in bytes)
  emit(get(K), i32(4), MUL, set(KB), get(N), i32(4), MUL, set(NB));
  emit(i32(0), set(I));
  emit(0x03, 0x40); // loop i
  {
    // pa0 = a + i*kb; pa1 = pa0 + kb
    emit(get(A), get(I), get(KB), MUL, ADD, set(PA0), get(PA0), get(KB), ADD, set(PA1));
    emit(i32(0), set(J));
    emit(0x03, 0x40); // loop j
    {
      emit(get(B), get(J), get(KB), MUL, ADD, set(PB0));
      emit(get(PB0), get(KB), ADD, set(PB1), get(PB1), get(KB), ADD, set(PB2), get(PB2), get(KB), ADD, set(PB3));
      for (const s of S) emit(V128_ZERO, set(s));
      emit(i32(0), set(P));
      emit(0x03, 0x40); // loop p
      {
        emit(get(PA0), get(P), ADD, V128_LOAD(), set(X0));
        emit(get(PA1), get(P), ADD, V128_LOAD(), set(X1));
        [PB0, PB1, PB2, PB3].forEach((pb, col) => {
          emit(get(pb), get(P), ADD, V128_LOAD(), set(Y));
          emit(get(S[col]!), get(X0), get(Y), F32X4_MUL, F32X4_ADD, set(S[col]!));
          emit(get(S[4 + col]!), get(X1), get(Y), F32X4_MUL, F32X4_ADD, set(S[4 + col]!));
        });
        emit(get(P), i32(16), ADD, set(P));
        emit(get(P), get(KB), LT_U, 0x0d, 0); // br_if loop p
      }
      emit(0x0b);
      // pc = c + i*nb + j*4; row 0 at pc, row 1 at pc + nb
      emit(get(C), get(I), get(NB), MUL, ADD, get(J), i32(4), MUL, ADD, set(PC));
      for (let row = 0; row < 2; row++) {
        if (row === 1) emit(get(PC), get(NB), ADD, set(PC));
        for (let col = 0; col < 4; col++) {
          const s = S[row * 4 + col]!;
          emit(get(PC));
          emit(get(s), F32X4_EXTRACT(0), get(s), F32X4_EXTRACT(1), F32_ADD);
          emit(get(s), F32X4_EXTRACT(2), get(s), F32X4_EXTRACT(3), F32_ADD, F32_ADD);
          emit(F32_STORE(col * 4));
        }
      }
      emit(get(J), i32(4), ADD, set(J));
      emit(get(J), get(N), LT_U, 0x0d, 0); // br_if loop j
    }
    emit(0x0b);
    emit(get(I), i32(2), ADD, set(I));
    emit(get(I), get(M), LT_U, 0x0d, 0); // br_if loop i
  }
  emit(0x0b);
  emit(0x0b); // end of function
  const locals = vec([
    [12, I32],
    [11, V128],
  ]);
  return [...locals, ...code];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const type = [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), 0];
  const body = kernelBody();
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([[...name('abt'), 0x00, 0], [...name('mem'), 0x02, 0]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]); // prettier-ignore
}

const PAGE = 65536;
const roundUp = (v: number, to: number) => Math.ceil(v / to) * to;

export class SimdGemm {
  private static instance: SimdGemm | null | undefined;
  private readonly abtFn: (a: number, b: number, c: number, m: number, n: number, k: number) => void;
  private readonly memory: WebAssembly.Memory;

  private constructor(instance: WebAssembly.Instance) {
    this.abtFn = instance.exports['abt'] as SimdGemm['abtFn'];
    this.memory = instance.exports['mem'] as WebAssembly.Memory;
  }

  /** The process's (or worker's) kernel; null where WebAssembly SIMD is unavailable (callers use JS). */
  static shared(): SimdGemm | null {
    if (SimdGemm.instance === undefined) {
      try {
        const bytes = moduleBytes();
        SimdGemm.instance = WebAssembly.validate(bytes)
          ? new SimdGemm(new WebAssembly.Instance(new WebAssembly.Module(bytes), {}))
          : null;
      } catch {
        SimdGemm.instance = null;
      }
    }
    return SimdGemm.instance;
  }

  /** C[m,n] (+)= A[m,k]·B[n,k]ᵀ, all row-major float32. */
  abt(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number, accumulate: boolean): void {
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) c.fill(0, 0, m * n);
      return;
    }
    const mp = roundUp(m, 2);
    const np = roundUp(n, 4);
    const kp = roundUp(k, 4);
    const aOff = 0;
    const bOff = aOff + mp * kp * 4;
    const cOff = bOff + np * kp * 4;
    const need = cOff + mp * np * 4;
    if (need > this.memory.buffer.byteLength)
      this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / PAGE));
    const heap = new Float32Array(this.memory.buffer);
    place(heap, aOff / 4, a, m, mp, k, kp);
    place(heap, bOff / 4, b, n, np, k, kp);
    this.abtFn(aOff, bOff, cOff, mp, np, kp);
    const out = cOff / 4;
    if (np === n && !accumulate) {
      c.set(heap.subarray(out, out + m * n));
      return;
    }
    for (let i = 0; i < m; i++) {
      const src = out + i * np;
      const dst = i * n;
      if (accumulate) for (let j = 0; j < n; j++) c[dst + j] = c[dst + j]! + heap[src + j]!;
      else c.set(heap.subarray(src, src + n), dst);
    }
  }
}

/** Copies a [rows, k] matrix into the heap as [paddedRows, kp], zero-filling the padding. */
function place(
  heap: Float32Array,
  at: number,
  x: Float32Array,
  rows: number,
  paddedRows: number,
  k: number,
  kp: number,
) {
  if (kp === k) heap.set(x.subarray(0, rows * k), at);
  else {
    for (let r = 0; r < rows; r++) {
      heap.set(x.subarray(r * k, (r + 1) * k), at + r * kp);
      heap.fill(0, at + r * kp + k, at + (r + 1) * kp);
    }
  }
  heap.fill(0, at + rows * kp, at + paddedRows * kp);
}
