/**
 * Analytic FLOPs (2 × multiply–adds of the matrix products; norms, softmax and GELU left out) of the
 * vision and text graphs from a bundle's architecture (spec §1.1–1.3). Used to turn images/s into GFLOP/s.
 */
import type { Manifest } from '../../main/engine/model/manifest';

type Arch = Manifest['architecture'];

export function visionFlops(a: Arch): number {
  const grid = a.image_res / a.patch_size;
  const N = grid * grid + 1;
  const D = a.vision_width;
  const patch = grid * grid * 3 * a.patch_size * a.patch_size * D;
  const perBlock = 4 * N * D * D + 2 * N * N * D + 2 * N * D * (a.vision_mlp_ratio * D);
  return 2 * (patch + a.vision_depth * perBlock + D * a.embed_dim);
}

/** Text graph = embeddings + the first `fusion_layer` BERT layers at sequence length L. */
export function textFlops(a: Arch, L: number): number {
  const D = a.text_width;
  const perLayer = 4 * L * D * D + 2 * L * L * D + 2 * L * D * a.text_intermediate;
  return 2 * (a.fusion_layer * perLayer + D * a.embed_dim);
}
