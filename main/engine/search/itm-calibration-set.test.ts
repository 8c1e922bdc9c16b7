import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../store/test-support/temp-dir';
import { calibrateItm } from './itm-calibration-set';
import { calibrationKey } from './search-session';
import { makeConceptLibrary } from './test-support/concept-library';

const tmp = useTempDir('pairscope-calibrate-');
let lib: Awaited<ReturnType<typeof makeConceptLibrary>>;
beforeEach(async () => (lib = await makeConceptLibrary(tmp.dir, 200)));
afterEach(() => lib.close());

describe('calibrateItm on a library’s own pairs', () => {
  it('fits on half the pairs, lowers the calibration error on the other half, and stores the fit', async () => {
    const run = await calibrateItm(lib.store, lib.encoder, lib.images, { pairs: 120, minReviewed: 50 });
    // 100 reviewed pairs (≥ minReviewed, so only those), half fit, half check; 3 judgements each:
    // its own image, the nearest other image, a random image.
    expect(run.calibration.fittedOn).toBe(150);
    expect(run.heldOut.pairs).toBe(150);
    expect(run.heldOut.eceAfter).toBeLessThan(run.heldOut.eceBefore);
    // The concept encoder scores by concept: a caption's own image and the nearest other image (same concept)
    // tie, random images (other concepts) rank below both — so AUROC = (½·ties + 1·random) / 2 = 0.75.
    expect(run.heldOut.auroc).toBeCloseTo(0.75, 2);
    expect(run.heldOut.meanProbability.own).toBeCloseTo(run.heldOut.meanProbability.nearest, 6);
    expect(run.heldOut.meanProbability.own).toBeGreaterThan(run.heldOut.meanProbability.random + 0.3);
    expect(lib.store.settings.get(calibrationKey('concept@1'))).toEqual(run.calibration);
  });

  it('refuses a library with too few pairs', async () => {
    await expect(calibrateItm(lib.store, lib.encoder, lib.images, { pairs: 10 })).rejects.toThrow(
      'calibration needs at least 20 embedded pairs; the library has 10',
    );
  });
});
