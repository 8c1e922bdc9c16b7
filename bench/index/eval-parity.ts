/**
 * Retrieval through the library store vs `pairscope eval` on the same manifest and bundle (issue #6: the store
 * adds no loss). Both ITC recalls are computed in this run; HNSW at the index's calibrated ef serves the store side,
 * and the same store searched exactly (`storeExact`) separates HNSW's approximation from ties.
 *
 *   npx tsx bench/index/eval-parity.ts --manifest data/emoji/test_fluent_seen.jsonl --bundle test/fixtures/tiny-albef
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Embedder } from '../../main/engine/model/embedder';
import { evaluateManifest } from '../../main/engine/model/evaluate-bundle';
import { readEvalManifest } from '../../main/engine/model/retrieval-eval';
import { LibrarySearch } from '../../main/engine/search/library-search';
import { ModelQueryEncoder } from '../../main/engine/search/model-query-encoder';
import { importManifest, recallsThroughStore } from '../../main/engine/search/store-eval';
import { LibraryStore } from '../../main/engine/store/library-store';
import { VectorIndex } from '../../main/engine/vector/vector-index';

const { values } = parseArgs({ options: { manifest: { type: 'string' }, bundle: { type: 'string' } } });
if (!values.manifest || !values.bundle) throw new Error('--manifest and --bundle are required');
const rows = await readEvalManifest(values.manifest);
const embedder = await Embedder.open(values.bundle);
const dir = mkdtempSync(join(tmpdir(), 'pairscope-eval-parity-'));
try {
  const report = await evaluateManifest(embedder, rows, { kTest: 1, itm: false });
  const name = embedder.bundle.manifest.name;
  const dim = embedder.bundle.manifest.architecture.embed_dim;
  const store = LibraryStore.open(join(dir, 'eval.pairscope'));
  const mv = store.modelVersions.ensure({
    name,
    embedDim: dim,
    featureDim: embedder.bundle.manifest.architecture.vision_width,
  }).id;
  const { skipped } = await importManifest(store, embedder, mv, rows);
  const images = VectorIndex.open(store, mv, 'image', { dim, exactBelow: 0 });
  const captions = VectorIndex.open(store, mv, 'text', { dim, exactBelow: 0 });
  const search = new LibrarySearch({
    store,
    encoder: new ModelQueryEncoder(embedder, name),
    modelVersionId: mv,
    images,
    captions,
  });
  const through = await recallsThroughStore(search, rows);
  // The same store searched exactly (every row scored): tells HNSW's approximation apart from score ties.
  const exactImages = VectorIndex.open(store, mv, 'image', { dim, exactBelow: Number.MAX_SAFE_INTEGER });
  const exactCaptions = VectorIndex.open(store, mv, 'text', { dim, exactBelow: Number.MAX_SAFE_INTEGER });
  const exact = await recallsThroughStore(
    new LibrarySearch({
      store,
      encoder: new ModelQueryEncoder(embedder, name),
      modelVersionId: mv,
      images: exactImages,
      captions: exactCaptions,
    }),
    rows,
  );
  const efSearch = { images: images.efCalibration, captions: captions.efCalibration };
  for (const idx of [images, captions, exactImages, exactCaptions]) idx.dispose({ persist: false });
  store.close();
  console.log(
    JSON.stringify(
      {
        manifest: values.manifest,
        bundle: name,
        n: report.n,
        skipped: { eval: report.skipped.length, store: skipped },
        eval: report.itc,
        store: through,
        storeExact: exact,
        efSearch,
      },
      null,
      2,
    ),
  );
} finally {
  await embedder.dispose();
  rmSync(dir, { recursive: true, force: true });
}
