/**
 * ITM calibration on labelled data (issue #6: re-ranked scores are calibrated probabilities, checked):
 * imports an eval manifest into a fresh library with the bundle, fits temperature + bias with calibrateItm
 * (own image = match; nearest other image and a random image = non-match; half the captions fit, half check)
 * and prints ECE before/after and the held-out reliability table.
 *
 *   npx tsx bench/index/calibration-report.ts --manifest data/emoji/test_fluent_seen.jsonl --bundle resources/models/albef-emoji-small [--pairs 400]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Embedder } from '../../main/engine/model/embedder';
import { readEvalManifest } from '../../main/engine/model/retrieval-eval';
import { calibrateItm } from '../../main/engine/search/itm-calibration-set';
import { ModelQueryEncoder } from '../../main/engine/search/model-query-encoder';
import { importManifest } from '../../main/engine/search/store-eval';
import { LibraryStore } from '../../main/engine/store/library-store';
import { VectorIndex } from '../../main/engine/vector/vector-index';

const { values } = parseArgs({
  options: { manifest: { type: 'string' }, bundle: { type: 'string' }, pairs: { type: 'string', default: '400' } },
});
if (!values.manifest || !values.bundle) throw new Error('--manifest and --bundle are required');
const rows = await readEvalManifest(values.manifest);
const embedder = await Embedder.open(values.bundle);
const dir = mkdtempSync(join(tmpdir(), 'pairscope-calibration-'));
try {
  const m = embedder.bundle.manifest;
  const store = LibraryStore.open(join(dir, 'cal.pairscope'));
  const mv = store.modelVersions.ensure({
    name: m.name,
    embedDim: m.architecture.embed_dim,
    featureDim: m.architecture.vision_width,
  }).id;
  await importManifest(store, embedder, mv, rows);
  const images = VectorIndex.open(store, mv, 'image', { dim: m.architecture.embed_dim });
  const run = await calibrateItm(store, new ModelQueryEncoder(embedder, m.name), images, {
    pairs: Number(values.pairs),
    minReviewed: Number.MAX_SAFE_INTEGER, // an imported manifest has no reviewed pairs: use them all
  });
  images.dispose();
  store.close();
  console.log(JSON.stringify({ manifest: values.manifest, bundle: m.name, rows: rows.length, ...run }, null, 2));
} finally {
  await embedder.dispose();
  rmSync(dir, { recursive: true, force: true });
}
