/**
 * The "query projector" search needs after a fine-tune (issue #10, docs/fine-tune.md): a fine-tuned
 * version's query embedding is norm(heads(CLS)) with THAT version's heads, not the ONNX graph's built-in
 * projection (which is the bundle's). Implements search's QueryEncoder over the model runtime's Embedder;
 * with no heads (the bundle's own version) it returns the graph's embedding unchanged.
 *
 * Example: const enc = activeQueryEncoder(libraryFile, bundleDir, embedder); openSearchSession(libraryFile, enc);
 */
import type { QueryModel } from '../search/model-query-encoder';
import type { ImageTokens, QueryEncoder } from '../search/query-encoder';
import { LibraryStore } from '../store/library-store';
import { type ProjectionHeads, projectRows } from './heads';
import { LibraryVersions } from './library-versions';

export class VersionQueryEncoder implements QueryEncoder {
  readonly embedDim: number;

  constructor(
    private readonly embedder: QueryModel,
    readonly modelVersion: string,
    private readonly heads: ProjectionHeads | null,
  ) {
    this.embedDim = heads ? heads.text.proj.outDim : embedder.manifest.architecture.embed_dim;
  }

  async embedText(text: string): Promise<Float32Array> {
    const [r] = await this.embedder.embedTexts([text]);
    if (!r!.ok) throw Object.assign(new Error(r!.error.message), { code: r!.error.code });
    return this.heads ? projectRows(this.heads.text, r!.value.cls, 1) : r!.value.emb;
  }

  async embedImage(input: string | Uint8Array): Promise<{ embedding: Float32Array; tokens: ImageTokens }> {
    const [r] = await this.embedder.embedImages([input], { keepTokens: true });
    if (!r!.ok) throw Object.assign(new Error(r!.error.message), { code: r!.error.code });
    const a = this.embedder.manifest.architecture;
    return {
      embedding: this.heads ? projectRows(this.heads.vision, r!.value.cls, 1) : r!.value.emb,
      tokens: { data: r!.value.tokens!, count: (a.image_res / a.patch_size) ** 2 + 1, width: a.vision_width },
    };
  }

  itmLogits(text: string, images: readonly ImageTokens[]): Promise<Float32Array> {
    return this.embedder.itmLogitsWithImageTokens(
      text,
      images.map((t) => t.data),
    );
  }
}

/**
 * The encoder for a library's active version (or `version` when given). Opens the store briefly to read
 * the setting and the heads; an unknown or missing library falls back to the bundle's version so the
 * search session names the problem as before.
 */
export function activeQueryEncoder(
  libraryFile: string,
  bundleDir: string,
  embedder: QueryModel,
  version?: string,
): VersionQueryEncoder {
  const bundleVersion = embedder.manifest.name;
  let store: LibraryStore;
  try {
    store = LibraryStore.open(libraryFile);
  } catch {
    return new VersionQueryEncoder(embedder, version ?? bundleVersion, null);
  }
  try {
    const versions = new LibraryVersions(store, bundleDir, bundleVersion);
    const v = version
      ? store.modelVersions.byName(version)
      : store.modelVersions.byName(bundleVersion) && versions.active();
    if (!v || v.name === bundleVersion || !store.versions.heads(v.id))
      return new VersionQueryEncoder(embedder, v?.name ?? version ?? bundleVersion, null);
    return new VersionQueryEncoder(embedder, v.name, versions.heads(v).heads);
  } finally {
    store.close();
  }
}
