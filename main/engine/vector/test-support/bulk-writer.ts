// Child process for the crash-safety test: bulk-inserts media + embeddings in transactions, adds each
// committed batch to the index, persists the graph every few batches, and reports each commit on stdout.
// The parent SIGKILLs it somewhere in the middle.
import { LibraryStore } from '../../store/library-store';
import { randomUnitVector, rng, seedImages } from '../../store/test-support/seed';
import { VectorIndex } from '../vector-index';

const [file, total, batch, dim] = [
  process.argv[2]!,
  Number(process.argv[3]),
  Number(process.argv[4]),
  Number(process.argv[5]),
];
const store = LibraryStore.open(file);
const mv = store.modelVersions.ensure({ name: 'crash@1', embedDim: dim, featureDim: 8 }).id;
const index = VectorIndex.open(store, mv, 'image', { dim, exactBelow: 0 });
const next = rng(42);
const all = Array.from({ length: total }, () => randomUnitVector(dim, next));
for (let from = 0, b = 0; from < total; from += batch, b++) {
  const vs = all.slice(from, from + batch);
  const labels = seedImages(store, mv, vs, { from });
  labels.forEach((l, i) => index.add(l, vs[i]!));
  process.stdout.write(`committed ${from + vs.length}\n`);
  if (b % 7 === 6) index.persist();
}
index.dispose();
store.close();
process.stdout.write('done\n');
