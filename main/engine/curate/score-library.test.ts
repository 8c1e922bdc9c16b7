import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImportSession } from '../ingest/import-session';
import { patternImage } from '../ingest/test-images';
import { makeTempDir } from '../store/test-support/temp-dir';
import { parseHeadsFile } from '../train/heads-file';
import { applyCombiner, COMBINER_FEATURES, type NoiseCombiner } from './noise-combiner';
import type { NoiseParts } from './noise-score';
import { combinerKey, scoreLibrary, storeScores } from './score-library';
import { itmScorerOf } from './itm-scorer';

// The stored scores of a library large enough to fit (tiny random bundle: plumbing, no detection claims).
const TINY = join(__dirname, '../../../test/fixtures/tiny-albef');
const PAIRS = 48;

let tmp: ReturnType<typeof makeTempDir>;
let session: ImportSession;

beforeEach(async () => {
  tmp = makeTempDir('pairscope-score-library-');
  const data = join(tmp.dir, 'data');
  mkdirSync(join(data, 'images'), { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < PAIRS; i++) {
    writeFileSync(join(data, 'images', `${i}.png`), await patternImage(i + 3, 'png', 48));
    lines.push(JSON.stringify({ image: `images/${i}.png`, caption: `pattern number ${i % 24} in colour ${i % 7}` }));
  }
  writeFileSync(join(data, 'pairs.jsonl'), lines.join('\n'));
  session = await ImportSession.open({ library: join(tmp.dir, 'lib'), bundleDir: TINY });
  const summary = await session.ingest.finished(session.ingest.importPairs(join(data, 'pairs.jsonl')));
  expect(summary.pairsImported).toBe(PAIRS);
});
afterEach(async () => {
  await session.close();
  tmp.remove();
});

describe('scoring a library with learned weights', () => {
  it('fits the combiner on injected mismatches and stores it with scores that it reproduces', async () => {
    const heads = parseHeadsFile(new Uint8Array(readFileSync(join(TINY, 'heads.safetensors'))));
    const mv = session.ingest.modelVersionId;
    const r = await scoreLibrary({
      store: session.store,
      modelVersionId: mv,
      momentum: heads.momentum,
      itm: itmScorerOf(session.embedder),
    });
    expect(r.scored).toHaveLength(PAIRS);
    expect(r.combiner).not.toBeNull();
    // 20% of 48 pairs per mode are injected (swap and hard); the rest are the "as imported" class.
    expect(r.combiner!.fit.positives).toEqual({ swap: 10, hard: 10 });
    expect(r.combiner!.fit.negatives).toBe(2 * (PAIRS - 10));
    storeScores(session.store, mv, r.scored, r.combiner);

    const stored = session.store.settings.get(combinerKey(mv)) as NoiseCombiner;
    expect(stored.kind).toBe('logistic');
    expect(stored.features).toEqual([...COMBINER_FEATURES]);
    expect(stored.weights).toHaveLength(COMBINER_FEATURES.length);
    for (const s of r.scored) {
      const row = session.store.curation.score(mv, s.captionId)!;
      const parts = JSON.parse(row.partsJson) as NoiseParts;
      expect(row.score).toBeCloseTo(applyCombiner(stored, parts), 12);
      expect(parts.matchProbability).not.toBeNull();
    }
  });

  it('falls back to the fixed rule below the minimum library size, and says so with the scores', async () => {
    const heads = parseHeadsFile(new Uint8Array(readFileSync(join(TINY, 'heads.safetensors'))));
    const mv = session.ingest.modelVersionId;
    const r = await scoreLibrary({
      store: session.store,
      modelVersionId: mv,
      momentum: heads.momentum,
      selfSupervision: { minPairs: PAIRS + 1 },
    });
    expect(r.combiner).toBeNull();
    storeScores(session.store, mv, r.scored, r.combiner);
    expect(session.store.settings.get(combinerKey(mv))).toEqual({
      kind: 'fixed',
      weights: { itm: 0.35, momentum: 0.35, captionRank: 0.15, imageRank: 0.15 },
    });
  });
});
