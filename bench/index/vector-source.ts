import { randomUnitVector } from '../../main/engine/store/test-support/seed';

/** Unit vectors: uniform on the sphere, or clustered around n/50 random centres (see bench/index/run.ts). */
export function vectorSource(kind: string, count: number, d: number, next: () => number): () => Float32Array {
  if (kind === 'uniform') return () => randomUnitVector(d, next);
  if (kind !== 'clustered') throw new Error(`--data must be uniform or clustered, got ${kind}`);
  const centres = Array.from({ length: Math.max(1, Math.floor(count / 50)) }, () => randomUnitVector(d, next));
  return () => {
    const c = centres[Math.floor(next() * centres.length)]!;
    const g = randomUnitVector(d, next);
    const v = new Float32Array(d);
    let norm = 0;
    for (let i = 0; i < d; i++) {
      v[i] = c[i]! + 0.75 * g[i]!;
      norm += v[i]! * v[i]!;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < d; i++) v[i]! *= inv;
    return v;
  };
}
