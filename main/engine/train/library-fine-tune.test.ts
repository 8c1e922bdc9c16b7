import { describe, expect, it } from 'vitest';
import { fineTuneHeads } from './fine-tune';
import { parseHeadsFile } from './heads-file';
import {
  type FineTuneLibraryPort,
  fineTuneLibrary,
  type ModelVersionRef,
  type NewModelVersion,
} from './library-fine-tune';
import { syntheticLibrary } from './synthetic-pairs';

/** An in-memory store with the port's semantics: commits are all-or-nothing, activation is one assignment. */
function memoryLibrary() {
  const lib = syntheticLibrary({
    concepts: 80,
    pairsPerConcept: 4,
    imageWidth: 48,
    textWidth: 40,
    embedDim: 16,
    latentDim: 8,
    styles: 3,
    hardNoise: 0,
    heldOutFraction: 0.2,
    seed: 11,
  });
  const N = lib.pairs.length;
  const versions: Array<ModelVersionRef & { v?: NewModelVersion }> = [{ id: 1, name: 'albef-emoji-small' }];
  let active = versions[0]!;
  const calls: string[] = [];
  const imageFeatures = new Map(
    Array.from({ length: N + 5 }, (_, i) => [100 + i, lib.imageFeatures.subarray((i % N) * 48, ((i % N) + 1) * 48)]),
  );
  const captionFeatures = new Map(
    Array.from({ length: N - 3 }, (_, i) => [1000 + i, lib.captionFeatures.subarray(i * 40, (i + 1) * 40)]),
  );
  const port: FineTuneLibraryPort = {
    activeVersion: () => active,
    heads: (v) =>
      v.id === 1
        ? { heads: lib.base, momentum: lib.base, extra: {} }
        : parseHeadsFile(versions.find((x) => x.id === v.id)!.v!.heads),
    pairs: () =>
      lib.pairs.map((p, i) => ({
        mediaId: 100 + i,
        captionId: 1000 + i,
        review: 'unreviewed' as const,
        group: p.group,
      })),
    imageFeatures: () => imageFeatures,
    captionFeatures: () => captionFeatures,
    commitVersion: (v) => {
      calls.push('commit');
      const ref = { id: versions.length + 1, name: v.name, v };
      versions.push(ref);
      return ref;
    },
    rebuildIndexes: () => void calls.push('index'),
    activate: (v) => {
      calls.push('activate');
      active = versions.find((x) => x.id === v.id)!;
    },
  };
  return { port, versions, calls, active: () => active, N };
}

const options = { epochs: 6, batchSize: 32, queueSize: 64, lr: 1e-2, heldOutFraction: 0.2 };

describe('fineTuneLibrary', () => {
  it('re-projects every stored item, commits once, rebuilds indexes, then switches to the new version', async () => {
    const m = memoryLibrary();
    const r = await fineTuneLibrary(m.port, fineTuneHeads, options);
    expect(m.calls).toEqual(['commit', 'index', 'activate']);
    expect(m.active().id).toBe(2);
    expect(r.previous.id).toBe(1);
    const v = m.versions[1]!.v!;
    expect(v.parentId).toBe(1);
    expect(v.images.size).toBe(m.N + 5); // unpaired photos are re-projected too
    expect(v.texts.size).toBe(m.N - 3);
    expect(r.skippedPairs).toBe(3); // pairs whose caption has no feature yet
    expect(r.after.t2i.r5).toBeGreaterThan(r.before.t2i.r5);
    expect(v.metrics.after).toEqual(r.after);
    // The committed heads are the trained ones: a second fine-tune starts from them.
    const stored = parseHeadsFile(v.heads);
    expect(stored.heads.vision.proj.weight).toHaveLength(16 * 48);
    const again = await fineTuneLibrary(m.port, fineTuneHeads, { ...options, epochs: 1 });
    expect(again.previous.id).toBe(2);
    expect(again.before).toEqual(r.after);
  });

  it('cancelled mid-training: nothing committed, the active version unchanged', async () => {
    const m = memoryLibrary();
    const controller = new AbortController();
    const run = fineTuneLibrary(
      m.port,
      fineTuneHeads,
      { ...options, progressIntervalMs: 0 },
      { signal: controller.signal, onProgress: (p) => p.step === 2 && controller.abort() },
    );
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(m.calls).toEqual([]);
    expect(m.active().id).toBe(1);
  });
});
