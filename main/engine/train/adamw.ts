/**
 * AdamW (decoupled weight decay, Loshchilov & Hutter) with torch's defaults β=(0.9, 0.999), ε=1e-8, and the
 * schedule "linear warm-up, then cosine decay to a floor" (spec §1.10, §2.2). Weight decay skips biases and
 * τ (ALBEF's optim_factory skips 1-D params; we also spare the 0-dim τ so decay cannot pull it to 0).
 */
import type { Parameter } from './heads';

export interface AdamWOptions {
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class AdamW {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;

  constructor(
    private readonly params: Parameter[],
    o: AdamWOptions,
  ) {
    this.m = params.map((p) => new Float64Array(p.data.length));
    this.v = params.map((p) => new Float64Array(p.data.length));
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.eps = o.eps ?? 1e-8;
    this.weightDecay = o.weightDecay;
  }

  /**
   * One update with learning rate `lr`; `grads[i]` matches `params[i]`. Parameters named in `skip` are left
   * untouched (e.g. τ when it is not trained).
   */
  step(grads: Parameter[], lr: number, skip: ReadonlySet<string> = new Set()): void {
    this.t++;
    const bc1 = 1 - this.beta1 ** this.t;
    const bc2 = 1 - this.beta2 ** this.t;
    const { beta1: b1, beta2: b2, eps } = this;
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i]!;
      if (skip.has(p.name)) continue;
      const g = grads[i]!.data;
      const m = this.m[i]!;
      const v = this.v[i]!;
      const w = p.data;
      const decay = p.decay ? 1 - lr * this.weightDecay : 1;
      for (let j = 0; j < w.length; j++) {
        const gj = g[j]!;
        const mj = b1 * m[j]! + (1 - b1) * gj;
        const vj = b2 * v[j]! + (1 - b2) * gj * gj;
        m[j] = mj;
        v[j] = vj;
        w[j] = w[j]! * decay - (lr * (mj / bc1)) / (Math.sqrt(vj / bc2) + eps);
      }
    }
  }
}

export interface Schedule {
  peakLr: number;
  minLr: number;
  warmupSteps: number;
  totalSteps: number;
}

/** lr at 0-based `step`: linear from peak/warmup to peak over the warm-up, then cosine down to minLr. */
export function learningRate(step: number, s: Schedule): number {
  if (step < s.warmupSteps) return (s.peakLr * (step + 1)) / s.warmupSteps;
  const span = Math.max(1, s.totalSteps - s.warmupSteps);
  const progress = Math.min(1, (step - s.warmupSteps) / span);
  return s.minLr + 0.5 * (s.peakLr - s.minLr) * (1 + Math.cos(Math.PI * progress));
}
