/**
 * The runtime's Embedder — or its worker-thread EmbeddingService, which the app uses so that inference never
 * runs on the thread serving requests — seen through ingest's small IngestModel port. The bundle's identity for
 * the library's model version is the sha256 of its manifest.json (the manifest lists every file's sha256, so it
 * changes whenever any graph or head changes).
 *
 * @example const model = await ingestModelOf(await EmbeddingService.start(dir), dir)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Embedder, ImageEmbedding, ItemResult, TextEmbedding } from '../model/embedder';
import { ModelError } from '../model/errors';
import type { Manifest } from '../model/manifest';
import { imageSpecOf } from '../model/preprocess';
import { hashBytes } from './content-hash';
import type { EmbeddingBatch, IngestModel } from './ingest-model';

/** What Embedder and EmbeddingService both offer. */
export interface PixelEmbedder {
  readonly manifest: Manifest;
  embedPixels(pixels: Float32Array, count: number): Promise<Array<ItemResult<ImageEmbedding>>>;
  embedTexts(texts: readonly string[]): Promise<Array<ItemResult<TextEmbedding>>>;
}

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

export async function ingestModelOf(embedder: PixelEmbedder, bundleDir: string): Promise<IngestModel> {
  const m = embedder.manifest;
  const manifestSha = hashBytes(await readFile(join(bundleDir, 'manifest.json')));
  return {
    name: m.name,
    bundleSha256: manifestSha,
    embedDim: m.architecture.embed_dim,
    featureDim: m.architecture.vision_width,
    imageSpec: imageSpecOf(m),
    embedImagePixels: async (pixels, count) => unwrap(await embedder.embedPixels(pixels, count), 'image embedding'),
    embedTexts: async (texts) => unwrap(await embedder.embedTexts(texts), 'caption embedding'),
  };
}

/** An in-process Embedder as a PixelEmbedder (tests, benches, the CLI when no worker is wanted). */
export function pixelEmbedderOf(embedder: Embedder): PixelEmbedder {
  return {
    manifest: embedder.bundle.manifest,
    embedPixels: (pixels, count) => embedder.embedPixels(pixels, count),
    embedTexts: (texts) => embedder.embedTexts(texts),
  };
}
