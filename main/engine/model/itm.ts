/**
 * ITM scoring through the fusion graph (spec §1.9): the raw logits, class 1 = match. The fusion graph
 * broadcasts a batch of 1 on either side (docs/bundle-format.md), so one text meets k images and one
 * image meets k texts without copying the single side k times.
 */
import { ModelError } from './errors';
import type { ModelGraphs } from './model-graphs';

/** Logits [n × 2] of one encoded caption against n images given as tokens [Ni × Wv] each. */
export async function itmTextOnImageTokens(
  graphs: ModelGraphs,
  ids: number[],
  images: readonly Float32Array[],
  batchSize: number,
): Promise<Float32Array> {
  const text = graphs.textFeeds([ids]);
  const textOut = await graphs.run('text', text);
  const size = graphs.imageTokens.count * graphs.imageTokens.width;
  const out = new Float32Array(images.length * 2);
  for (let start = 0; start < images.length; start += batchSize) {
    const chunk = images.slice(start, start + batchSize);
    const tokens = new Float32Array(chunk.length * size);
    chunk.forEach((t, i) => {
      if (t.length !== size) {
        throw new ModelError('SESSION_INPUT', `image tokens #${start + i}: ${t.length} values, expected ${size}`);
      }
      tokens.set(t, i * size);
    });
    const fused = await graphs.run('fusion', {
      text_tokens: { type: 'float32', data: textOut.text_tokens!.data, dims: textOut.text_tokens!.dims },
      text_attention_mask: text.attention_mask,
      image_tokens: graphs.imageTokenFeed(tokens, chunk.length),
    });
    out.set(fused.itm_logits!.data.subarray(0, chunk.length * 2), start * 2);
  }
  return out;
}

/** Match logits of one image (its tokens) against a batch of encoded captions. */
export async function itmImageTokensOnTexts(
  graphs: ModelGraphs,
  tokens: Float32Array,
  seqs: number[][],
): Promise<number[]> {
  const text = graphs.textFeeds(seqs);
  const textOut = await graphs.run('text', text);
  const fused = await graphs.run('fusion', {
    text_tokens: { type: 'float32', data: textOut.text_tokens!.data, dims: textOut.text_tokens!.dims },
    text_attention_mask: text.attention_mask,
    image_tokens: graphs.imageTokenFeed(tokens, 1),
  });
  return seqs.map((_, i) => fused.itm_logits!.data[i * 2 + 1]!);
}
