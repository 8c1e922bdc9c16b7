import { describe, expect, it } from 'vitest';
import { textFlops, visionFlops } from './flops';

const base = {
  family: 'albef' as const,
  image_res: 384,
  patch_size: 16,
  vision_width: 768,
  vision_depth: 12,
  vision_heads: 12,
  vision_mlp_ratio: 4,
  vision_ln_eps: 1e-6,
  text_width: 768,
  text_layers: 12,
  fusion_layer: 6,
  text_heads: 12,
  text_intermediate: 3072,
  text_ln_eps: 1e-12,
  vocab_size: 30522,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  embed_dim: 256,
};

describe('FLOP counts', () => {
  it('puts ViT-B/16 at 384 px near the published ≈55 GMAC (spec §4.3: k×55 GMAC)', () => {
    expect(visionFlops(base) / 2 / 1e9).toBeGreaterThan(54);
    expect(visionFlops(base) / 2 / 1e9).toBeLessThan(57);
  });

  it('counts 6 BERT-base layers at 30 tokens as ≈2.6 GFLOP', () => {
    // per layer 4LD² + 2L²D + 2LDI = 70.8M + 1.4M + 141.6M MAC → ×6 ×2 ≈ 2.56 GFLOP
    expect(textFlops(base, 30) / 1e9).toBeCloseTo(2.565, 2);
  });
});
