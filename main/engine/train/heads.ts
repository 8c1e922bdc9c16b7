/**
 * The trainable part of the model: per tower an optional residual adapter and the projection to the
 * shared embedding space, plus the ITC temperature (spec §1.4). Encoders stay frozen, so a "model
 * version" is exactly this object (DESIGN.md §3 Fine-tune).
 */
import {
  geluBackward,
  geluForward,
  l2NormalizeBackward,
  l2NormalizeForward,
  linearBackward,
  linearForward,
} from './layers';
import { type Vec, zerosLike } from './matmul';

export interface Linear {
  /** [outDim, inDim], torch layout. */
  weight: Vec;
  bias: Vec;
  inDim: number;
  outDim: number;
}

/** x + fc2(gelu(fc1(x))) — fc2 starts at zero so the adapter starts as the identity. */
export interface Adapter {
  fc1: Linear;
  fc2: Linear;
}

export interface Tower {
  adapter: Adapter | null;
  proj: Linear;
}

export interface ProjectionHeads {
  vision: Tower;
  text: Tower;
  /** [1]: ITC temperature τ, logits = f_i·f_t/τ. */
  temp: Vec;
}

/** One trainable tensor; `decay` is false for biases and temp (spec §1.10: no weight decay on 1-D params). */
export interface Parameter {
  name: string;
  data: Vec;
  decay: boolean;
}

function cloneLinear(l: Linear): Linear {
  return { weight: l.weight.slice(), bias: l.bias.slice(), inDim: l.inDim, outDim: l.outDim };
}

function cloneTower(t: Tower): Tower {
  return {
    adapter: t.adapter ? { fc1: cloneLinear(t.adapter.fc1), fc2: cloneLinear(t.adapter.fc2) } : null,
    proj: cloneLinear(t.proj),
  };
}

export function cloneHeads(h: ProjectionHeads): ProjectionHeads {
  return { vision: cloneTower(h.vision), text: cloneTower(h.text), temp: h.temp.slice() };
}

/** Same shapes, all zeros: the gradient accumulator for `h`. */
export function zeroHeadsLike(h: ProjectionHeads): ProjectionHeads {
  const c = cloneHeads(h);
  for (const p of headParameters(c)) p.data.fill(0);
  return c;
}

function towerParameters(prefix: string, t: Tower): Parameter[] {
  const out: Parameter[] = [];
  if (t.adapter) {
    out.push({ name: `${prefix}_adapter.fc1.weight`, data: t.adapter.fc1.weight, decay: true });
    out.push({ name: `${prefix}_adapter.fc1.bias`, data: t.adapter.fc1.bias, decay: false });
    out.push({ name: `${prefix}_adapter.fc2.weight`, data: t.adapter.fc2.weight, decay: true });
    out.push({ name: `${prefix}_adapter.fc2.bias`, data: t.adapter.fc2.bias, decay: false });
  }
  out.push({ name: `${prefix}_proj.weight`, data: t.proj.weight, decay: true });
  out.push({ name: `${prefix}_proj.bias`, data: t.proj.bias, decay: false });
  return out;
}

/** Every tensor in a fixed order, so two heads of one shape can be walked in lock-step (EMA, AdamW). */
export function headParameters(h: ProjectionHeads): Parameter[] {
  return [
    ...towerParameters('vision', h.vision),
    ...towerParameters('text', h.text),
    { name: 'temp', data: h.temp, decay: false },
  ];
}

/** θm ← m·θm + (1−m)·θ (spec §1.8 "Momentum model"). */
export function emaUpdate(teacher: ProjectionHeads, student: ProjectionHeads, momentum: number): void {
  const tp = headParameters(teacher);
  const sp = headParameters(student);
  if (tp.length !== sp.length) throw new Error('emaUpdate: teacher and student heads differ in structure');
  const a = 1 - momentum;
  for (let i = 0; i < tp.length; i++) {
    const t = tp[i]!.data;
    const s = sp[i]!.data;
    for (let j = 0; j < t.length; j++) t[j] = momentum * t[j]! + a * s[j]!;
  }
}

/**
 * Adds an identity-initialised adapter to both towers: fc1 small random (seeded by `random`), fc2 zero,
 * so the heads compute exactly what they did before the first step.
 */
export function withAdapters(h: ProjectionHeads, hidden: number, random: () => number): ProjectionHeads {
  const add = (t: Tower): Tower => {
    const w = t.proj.inDim;
    const fc1w = zerosLike(t.proj.weight, hidden * w);
    const scale = 1 / Math.sqrt(w);
    for (let i = 0; i < fc1w.length; i++) fc1w[i] = (random() * 2 - 1) * scale;
    return {
      adapter: {
        fc1: { weight: fc1w, bias: zerosLike(fc1w, hidden), inDim: w, outDim: hidden },
        fc2: { weight: zerosLike(fc1w, w * hidden), bias: zerosLike(fc1w, w), inDim: hidden, outDim: w },
      },
      proj: cloneLinear(t.proj),
    };
  };
  return { vision: add(h.vision), text: add(h.text), temp: h.temp.slice() };
}

/** What backward needs from a tower's forward pass. */
export interface TowerCache {
  rows: number;
  x: Vec;
  a1: Vec | null;
  g: Vec | null;
  h: Vec;
  emb: Vec;
  norms: Float64Array;
}

/** emb = norm(proj(x + adapter(x))) for `rows` feature rows of width tower.proj.inDim. */
export function towerForward(t: Tower, x: Vec, rows: number): TowerCache {
  let h = x;
  let a1: Vec | null = null;
  let g: Vec | null = null;
  if (t.adapter) {
    const { fc1, fc2 } = t.adapter;
    a1 = linearForward(x, fc1.weight, fc1.bias, rows, fc1.inDim, fc1.outDim);
    g = geluForward(a1);
    const a2 = linearForward(g, fc2.weight, fc2.bias, rows, fc2.inDim, fc2.outDim);
    for (let i = 0; i < a2.length; i++) a2[i] = a2[i]! + x[i]!;
    h = a2;
  }
  const z = linearForward(h, t.proj.weight, t.proj.bias, rows, t.proj.inDim, t.proj.outDim);
  const { y, norms } = l2NormalizeForward(z, rows, t.proj.outDim);
  return { rows, x, a1, g, h, emb: y, norms };
}

/** Adds the gradient of the loss wrt the tower's parameters (given dL/demb) into `grad`. */
export function towerBackward(t: Tower, cache: TowerCache, dEmb: Vec, grad: Tower): void {
  const { rows } = cache;
  const dz = l2NormalizeBackward(cache.emb, cache.norms, dEmb, rows, t.proj.outDim);
  const dh = linearBackward(
    cache.h,
    t.proj.weight,
    dz,
    grad.proj.weight,
    grad.proj.bias,
    rows,
    t.proj.inDim,
    t.proj.outDim,
    t.adapter !== null,
  );
  if (!t.adapter || !grad.adapter || !dh || !cache.a1 || !cache.g) return;
  const { fc1, fc2 } = t.adapter;
  // Residual: dL/da2 = dh (the identity path carries dh to x, which is frozen, so it is not needed).
  const dg = linearBackward(
    cache.g,
    fc2.weight,
    dh,
    grad.adapter.fc2.weight,
    grad.adapter.fc2.bias,
    rows,
    fc2.inDim,
    fc2.outDim,
    true,
  )!;
  const da1 = geluBackward(cache.a1, dg);
  linearBackward(
    cache.x,
    fc1.weight,
    da1,
    grad.adapter.fc1.weight,
    grad.adapter.fc1.bias,
    rows,
    fc1.inDim,
    fc1.outDim,
    false,
  );
}

/**
 * Embeddings for many rows at once, chunked so memory stays bounded (re-projection, evaluation).
 * Always Float32 out: this is what gets stored and indexed.
 */
export function projectRows(t: Tower, x: Float32Array, rows: number, chunk = 1024): Float32Array {
  const w = t.proj.inDim;
  const e = t.proj.outDim;
  const out = new Float32Array(rows * e);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const n = Math.min(chunk, rows - r0);
    const { emb } = towerForward(t, x.subarray(r0 * w, (r0 + n) * w), n);
    out.set(emb, r0 * e);
  }
  return out;
}
