/**
 * ITM logits for the scoring job through the runtime's EmbeddingApi (R): each image is encoded once with its tokens
 * kept, and every caption of that image is fused against those tokens (spec §1.9: the fusion graph on one
 * image's tokens and the caption). Images are read from disk by their stored path key, so odd byte names work.
 */
import { readFile } from 'node:fs/promises';
import { pathFromKey } from '../ingest/path-key';
import type { EmbeddingApi } from '../model/embedder';
import type { ItmScorer } from './score-library';

export function itmScorerOf(model: Pick<EmbeddingApi, 'embedImages' | 'itmLogitsWithImageTokens'>): ItmScorer {
  return async (images) => {
    const bytes = await Promise.all(
      images.map((g) => readFile(pathFromKey(g.path)).catch(() => null as Buffer | null)),
    );
    const present = images.map((_, i) => i).filter((i) => bytes[i] !== null);
    const embedded = await model.embedImages(
      present.map((i) => new Uint8Array(bytes[i]!)),
      { keepTokens: true },
    );
    const out: Array<Array<[number, number] | null>> = images.map((g) => g.texts.map(() => null));
    for (const [k, i] of present.entries()) {
      const r = embedded[k]!;
      if (!r.ok || !r.value.tokens) continue;
      for (const [t, text] of images[i]!.texts.entries()) {
        try {
          const l = await model.itmLogitsWithImageTokens(text, [r.value.tokens]);
          out[i]![t] = [l[0]!, l[1]!];
        } catch {
          out[i]![t] = null; // one bad caption (empty after pre_caption) leaves ITM out of its score only
        }
      }
    }
    return out;
  };
}
