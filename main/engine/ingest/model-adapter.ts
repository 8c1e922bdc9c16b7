/**
 * The runtime's Embedder seen through ingest's small IngestModel port. The bundle's identity for the
 * library's model version is the sha256 of its manifest.json (the manifest lists every file's sha256, so it
 * changes whenever any graph or head changes).
 *
 * @example const model = await ingestModelOf(await Embedder.open('resources/models/albef-emoji-small'))
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Embedder, ItemResult } from '../model/embedder';
import { ModelError } from '../model/errors';
import { hashBytes } from './content-hash';
import type { EmbeddingBatch, IngestModel } from './ingest-model';

function unwrap(
  results: ReadonlyArray<ItemResult<{ emb: Float32Array; cls: Float32Array }>>,
  what: string,
): EmbeddingBatch {
  const out: EmbeddingBatch = { embeddings: [], features: [] };
  for (const r of results) {
    // A failing model run is systemic (session, memory), not a property of one file: the job fails and resumes later.
    if (!r.ok) throw new ModelError(r.error.code, `${what}: ${r.error.message}`);
    out.embeddings.push(r.value.emb);
    out.features.push(r.value.cls);
  }
  return out;
}

export async function ingestModelOf(embedder: Embedder): Promise<IngestModel> {
  const m = embedder.bundle.manifest;
  const manifestSha = hashBytes(await readFile(join(embedder.bundle.dir, 'manifest.json')));
  return {
    name: m.name,
    bundleSha256: manifestSha,
    embedDim: m.architecture.embed_dim,
    featureDim: m.architecture.vision_width,
    imageSpec: embedder.spec,
    embedImagePixels: async (pixels, count) => unwrap(await embedder.embedPixels(pixels, count), 'image embedding'),
    embedTexts: async (texts) => unwrap(await embedder.embedTexts(texts), 'caption embedding'),
  };
}
