import { describe, expect, it } from 'vitest';
import { recallReport } from './recall';

describe('recallReport', () => {
  it('counts a hit when any positive of the query group ranks within K, in both directions', () => {
    // 2-d: image 0 (group 0) faces caption 0 exactly; image 1 (group 1) is closer to caption 0 than to its own.
    const images = Float32Array.of(1, 0, 0.8, 0.6);
    const texts = Float32Array.of(1, 0, 0, 1);
    const r = recallReport({ dim: 2, images, imageGroup: Int32Array.of(0, 1), texts, textGroup: Int32Array.of(0, 1) });
    expect(r.i2t).toEqual({ r1: 0.5, r5: 1, r10: 1 });
    // caption 0 → image 0 (1.0) beats image 1 (0.8); caption 1 → image 1 (0.6) beats image 0 (0).
    expect(r.t2i).toEqual({ r1: 1, r5: 1, r10: 1 });
  });

  it('ranks a tie against the positive, so identical embeddings score nothing at R@1', () => {
    const same = Float32Array.of(1, 0, 1, 0, 1, 0);
    const r = recallReport({
      dim: 2,
      images: same,
      imageGroup: Int32Array.of(0, 1, 2),
      texts: same,
      textGroup: Int32Array.of(0, 1, 2),
    });
    expect(r.i2t.r1).toBe(0);
    expect(r.i2t.r5).toBe(1);
  });
});
