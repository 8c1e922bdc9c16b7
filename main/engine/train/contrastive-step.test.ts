/**
 * Analytic gradients of every loss term (hard ITC with grouped positives, momentum distillation, USI KD),
 * the temperature and the residual adapter, against central differences in float64.
 */
import { describe, expect, it } from 'vitest';
import { type CandidateBank, EMPTY_GROUP } from './candidate-loss';
import { contrastiveStep, type PairBatch } from './contrastive-step';
import { cloneHeads, headParameters, type ProjectionHeads, towerForward, withAdapters } from './heads';
import {
  geluBackward,
  geluForward,
  l2NormalizeBackward,
  l2NormalizeForward,
  linearBackward,
  linearForward,
} from './layers';
import { gaussian, mulberry32 } from './rng';

const WV = 12;
const WT = 10;
const E = 6;
const B = 5;
const Q = 5;

function randn(n: number, r: () => number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => gaussian(r) * scale);
}

function randomHeads(r: () => number): ProjectionHeads {
  const lin = (i: number, o: number) => ({ weight: randn(o * i, r, 0.5), bias: randn(o, r, 0.1), inDim: i, outDim: o });
  return {
    vision: { adapter: null, proj: lin(WV, E) },
    text: { adapter: null, proj: lin(WT, E) },
    temp: Float64Array.of(0.2),
  };
}

/** A bank of B in-batch rows + Q queue rows, one of them empty and one a rejected caption. */
function makeBank(
  inBatch: Float64Array,
  group: Int32Array,
  negOnly: Uint8Array,
  r: () => number,
  base: Float64Array | null,
): CandidateBank {
  const count = B + Q;
  const features = new Float64Array(count * E);
  features.set(inBatch);
  const queue = randn(Q * E, r);
  features.set(queue, B * E);
  const g = new Int32Array(count);
  g.set(group);
  g.set([0, 1, 3, 2, EMPTY_GROUP], B);
  const n = new Uint8Array(count);
  n.set(negOnly);
  n[B + 2] = 1; // a queued rejected caption of group 3
  const baseFeatures = base ? new Float64Array(count * E) : null;
  if (baseFeatures && base) {
    baseFeatures.set(base);
    baseFeatures.set(randn(Q * E, r), B * E);
  }
  return { count, features, baseFeatures, group: g, negativeOnly: n };
}

interface Case {
  name: string;
  alpha: number;
  alphaKd: number;
  adapter: boolean;
}

function setup(c: Case) {
  const r = mulberry32(42);
  let student = randomHeads(r);
  if (c.adapter) {
    student = withAdapters(student, 4, r);
    // Non-zero fc2 so every adapter gradient path is exercised.
    for (const t of [student.vision, student.text])
      for (let i = 0; i < t.adapter!.fc2.weight.length; i++) t.adapter!.fc2.weight[i] = gaussian(r) * 0.3;
  }
  const momentum = randomHeads(r);
  const baseHeads = randomHeads(r);
  const imageCls = randn(B * WV, r);
  const textCls = randn(B * WT, r);
  const group = Int32Array.of(0, 1, 1, 2, 3);
  const rejected = Uint8Array.of(0, 0, 1, 0, 0);
  const momentumImage = towerForward(momentum.vision, imageCls, B).emb;
  const momentumText = towerForward(momentum.text, textCls, B).emb;
  const kd = c.alphaKd > 0;
  const baseImage = kd ? towerForward(baseHeads.vision, imageCls, B).emb : null;
  const baseText = kd ? towerForward(baseHeads.text, textCls, B).emb : null;
  const batch: PairBatch = {
    size: B,
    imageCls,
    textCls,
    momentumImage,
    momentumText,
    baseImage,
    baseText,
    group,
    rejected,
    alpha: Float64Array.of(c.alpha, c.alpha, c.alpha, 0, c.alpha * 0.5),
  };
  const imageBank = makeBank(
    momentumImage as Float64Array,
    group,
    new Uint8Array(B),
    r,
    baseImage as Float64Array | null,
  );
  const textBank = makeBank(momentumText as Float64Array, group, rejected, r, baseText as Float64Array | null);
  const opts = { alphaKd: c.alphaKd, baseTemp: 0.3, teacherTemp: 0.25 };
  return { student, batch, imageBank, textBank, opts };
}

const cases: Case[] = [
  { name: 'hard ITC with grouped positives', alpha: 0, alphaKd: 0, adapter: false },
  { name: 'ITC + momentum distillation', alpha: 0.4, alphaKd: 0, adapter: false },
  { name: 'ITC + USI KD', alpha: 0, alphaKd: 2, adapter: false },
  { name: 'ITC + MoD + KD through the residual adapter', alpha: 0.4, alphaKd: 2, adapter: true },
];

describe('contrastiveStep gradients', () => {
  for (const c of cases) {
    it(`${c.name}: every parameter's analytic gradient matches central differences`, () => {
      const { student, batch, imageBank, textBank, opts } = setup(c);
      const { grad, loss } = contrastiveStep(student, batch, imageBank, textBank, opts);
      expect(Number.isFinite(loss.total)).toBe(true);
      if (c.alphaKd > 0) expect(loss.kd).toBeGreaterThan(0);
      const gp = headParameters(grad);
      const pp = headParameters(student);
      const h = 1e-6;
      let checked = 0;
      for (let t = 0; t < pp.length; t++) {
        const p = pp[t]!;
        for (let i = 0; i < p.data.length; i++) {
          const perturbed = cloneHeads(student);
          const q = headParameters(perturbed)[t]!.data;
          q[i] = p.data[i]! + h;
          const up = contrastiveStep(perturbed, batch, imageBank, textBank, opts).loss.total;
          q[i] = p.data[i]! - h;
          const down = contrastiveStep(perturbed, batch, imageBank, textBank, opts).loss.total;
          const numeric = (up - down) / (2 * h);
          const analytic = gp[t]!.data[i]!;
          expect(Math.abs(analytic - numeric), `${p.name}[${i}]`).toBeLessThan(1e-7 + 1e-6 * Math.abs(numeric));
          checked++;
        }
      }
      expect(checked).toBe(pp.reduce((s, p) => s + p.data.length, 0));
      // The temperature gradient is real (not trivially zero).
      expect(Math.abs(gp.find((p) => p.name === 'temp')!.data[0]!)).toBeGreaterThan(1e-4);
    });
  }

  it('the float32 path gives the float64 loss and gradients to single-precision accuracy', () => {
    const c = cases[3]!;
    const s64 = setup(c);
    const r64 = contrastiveStep(s64.student, s64.batch, s64.imageBank, s64.textBank, s64.opts);
    const f = (v: Float64Array | Float32Array | null) => (v ? Float32Array.from(v) : null);
    const student32 = cloneHeads(s64.student);
    for (const p of headParameters(student32)) p.data = Float32Array.from(p.data);
    const to32 = (h: ProjectionHeads): ProjectionHeads => {
      const c32 = (l: { weight: ArrayLike<number>; bias: ArrayLike<number>; inDim: number; outDim: number }) => ({
        ...l,
        weight: Float32Array.from(l.weight),
        bias: Float32Array.from(l.bias),
      });
      const tw = (t: ProjectionHeads['vision']) => ({
        adapter: t.adapter ? { fc1: c32(t.adapter.fc1), fc2: c32(t.adapter.fc2) } : null,
        proj: c32(t.proj),
      });
      return { vision: tw(h.vision), text: tw(h.text), temp: Float32Array.from(h.temp) };
    };
    const b = s64.batch;
    const batch32: PairBatch = {
      ...b,
      imageCls: f(b.imageCls)!,
      textCls: f(b.textCls)!,
      momentumImage: f(b.momentumImage)!,
      momentumText: f(b.momentumText)!,
      baseImage: f(b.baseImage),
      baseText: f(b.baseText),
    };
    const bank32 = (k: CandidateBank): CandidateBank => ({
      ...k,
      features: f(k.features)!,
      baseFeatures: f(k.baseFeatures),
    });
    const r32 = contrastiveStep(to32(s64.student), batch32, bank32(s64.imageBank), bank32(s64.textBank), s64.opts);
    expect(Math.abs(r32.loss.total - r64.loss.total)).toBeLessThan(1e-5 * Math.abs(r64.loss.total));
    const g64 = headParameters(r64.grad);
    const g32 = headParameters(r32.grad);
    for (let t = 0; t < g64.length; t++) {
      for (let i = 0; i < g64[t]!.data.length; i++) {
        expect(Math.abs(g32[t]!.data[i]! - g64[t]!.data[i]!), g64[t]!.name).toBeLessThan(1e-4);
      }
    }
  });
});

describe('layer gradients', () => {
  const r = mulberry32(7);
  const rows = 3;
  const dim = 5;
  const x = randn(rows * dim, r);
  const dY = randn(rows * dim, r);
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i]!, 0);
  const numeric = (f: (x: Float64Array) => ArrayLike<number>, i: number) => {
    const h = 1e-6;
    const up = x.slice();
    up[i]! += h;
    const down = x.slice();
    down[i]! -= h;
    return (dot(f(up), dY) - dot(f(down), dY)) / (2 * h);
  };

  it('L2 normalisation backward matches central differences', () => {
    const { y, norms } = l2NormalizeForward(x, rows, dim);
    const dX = l2NormalizeBackward(y, norms, dY, rows, dim);
    for (let i = 0; i < x.length; i++)
      expect(dX[i]!).toBeCloseTo(
        numeric((v) => l2NormalizeForward(v, rows, dim).y, i),
        8,
      );
  });

  it('GELU backward matches central differences', () => {
    const dX = geluBackward(x, dY);
    for (let i = 0; i < x.length; i++)
      expect(dX[i]!).toBeCloseTo(
        numeric((v) => geluForward(v), i),
        8,
      );
  });

  it('linear backward gives dX = dY·W, dW = dYᵀ·X and db = Σ dY', () => {
    const w = randn(dim * dim, r);
    const b = randn(dim, r);
    const gw = new Float64Array(dim * dim);
    const gb = new Float64Array(dim);
    const dX = linearBackward(x, w, dY, gw, gb, rows, dim, dim, true)!;
    for (let i = 0; i < x.length; i++)
      expect(dX[i]!).toBeCloseTo(
        numeric((v) => linearForward(v, w, b, rows, dim, dim), i),
        8,
      );
    for (let o = 0; o < dim; o++) {
      expect(gb[o]!).toBeCloseTo(dY[o]! + dY[dim + o]! + dY[2 * dim + o]!, 12);
      for (let i = 0; i < dim; i++) {
        let s = 0;
        for (let n = 0; n < rows; n++) s += dY[n * dim + o]! * x[n * dim + i]!;
        expect(gw[o * dim + i]!).toBeCloseTo(s, 12);
      }
    }
  });
});
