import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImportSession } from '../ingest/import-session';
import { patternImage } from '../ingest/test-images';
import { makeTempDir } from '../store/test-support/temp-dir';
import { parseHeadsFile } from '../train/heads-file';
import type { Curation } from './curation';
import { curationFor } from './library-curation';

const TINY = join(__dirname, '../../../test/fixtures/tiny-albef');
const CAPTIONS = ['red apple', 'green apple', 'a happy face', 'a sad face', 'blue car', 'yellow sun'];

let tmp: ReturnType<typeof makeTempDir>;
let session: ImportSession;
let curation: Curation;

beforeEach(async () => {
  tmp = makeTempDir('pairscope-curate-');
  const data = join(tmp.dir, 'data');
  mkdirSync(join(data, 'images'), { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < CAPTIONS.length; i++) {
    writeFileSync(join(data, 'images', `${i}.png`), await patternImage(i + 20, 'png'));
    lines.push(JSON.stringify({ image: `images/${i}.png`, caption: CAPTIONS[i] }));
  }
  writeFileSync(join(data, 'pairs.jsonl'), lines.join('\n'));
  session = await ImportSession.open({ library: join(tmp.dir, 'lib'), bundleDir: TINY });
  curation = await curationFor(session);
  const summary = await session.ingest.finished(session.ingest.importPairs(join(data, 'pairs.jsonl')));
  expect(summary.pairsImported).toBe(6);
});
afterEach(async () => {
  await session.close();
  tmp.remove();
});

async function scored(): Promise<void> {
  const job = curation.ensureScored();
  expect(job).not.toBeNull();
  const done = await session.ingest.runner.wait(job!);
  expect(done.state).toBe('done');
}

describe('curation of a library (tiny random bundle: plumbing, no semantic claims)', () => {
  it('scores every pair once, with its parts and five suggestions, and orders the queue by score', async () => {
    await scored();
    expect(curation.ensureScored()).toBeNull();
    const q = curation.queue({ limit: 10 });
    expect([q.total, q.scored, q.pairs, q.items.length]).toEqual([6, 6, 6, 6]);
    const scores = q.items.map((e) => e.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const e of q.items) {
      expect(e.score).toBeGreaterThanOrEqual(0);
      expect(e.score).toBeLessThanOrEqual(1);
      expect(e.parts.matchProbability).not.toBeNull();
      expect(e.suggestions).toHaveLength(5);
      expect(e.suggestions.map((s) => s.text)).not.toContain(e.caption);
      expect(new Set(e.suggestions.map((s) => s.text)).size).toBe(5);
      expect(e.similarImages.map((i) => i.mediaId)).not.toContain(e.mediaId);
    }
  });

  it('scores again after an import adds pairs, and not after one that adds none', async () => {
    await scored();
    const more = join(tmp.dir, 'data', 'more.jsonl');
    writeFileSync(more, JSON.stringify({ image: 'images/0.png', caption: 'a second caption' }));
    await session.ingest.finished(session.ingest.importPairs(more));
    await scored();
    expect([curation.queue().total, curation.queue().scored]).toEqual([7, 7]);
    await session.ingest.finished(session.ingest.importPairs(more));
    expect(curation.ensureScored()).toBeNull();
  });

  it('records every action as an event, never overwriting the imported caption, and undoes with an event', async () => {
    await scored();
    const [a, b, c, d] = curation.queue({ limit: 4 }).items;
    await curation.act({ captionId: a!.captionId, action: 'confirm' });
    await curation.act({ captionId: b!.captionId, action: 'reject' });
    const pick = await curation.act({ captionId: c!.captionId, action: 'suggestion', suggestion: 2 });
    expect(pick.newText).toBe(c!.suggestions[1]!.text);
    await curation.act({ captionId: d!.captionId, action: 'edit', text: '  a brand new caption ' });
    const [undo, undone] = await curation.undo(null);
    expect([undone.action, undo.action, undo.undoes, undo.newText, undo.newState]).toEqual([
      'edit',
      'undo',
      undone.id,
      d!.caption,
      'unreviewed',
    ]);
    const store = session.store;
    expect(
      store.curation.events().map((e) => [e.captionId, e.action, e.oldText, e.newText, e.oldState, e.newState]),
    ).toEqual([
      [a!.captionId, 'accept', a!.caption, a!.caption, 'unreviewed', 'accepted'],
      [b!.captionId, 'reject', b!.caption, b!.caption, 'unreviewed', 'rejected'],
      [c!.captionId, 'suggest', c!.caption, c!.suggestions[1]!.text, 'unreviewed', 'corrected'],
      [d!.captionId, 'edit', d!.caption, 'a brand new caption', 'unreviewed', 'corrected'],
      [d!.captionId, 'undo', 'a brand new caption', d!.caption, 'corrected', 'unreviewed'],
    ]);
    expect(store.captions.byId(c!.captionId)).toMatchObject({
      text: c!.caption,
      currentText: c!.suggestions[1]!.text,
      reviewState: 'corrected',
    });
    // The queue (unreviewed by default) now holds the two untouched pairs and the restored one.
    expect(curation.queue().total).toBe(3);
  });

  it('re-encodes a corrected caption so search and the fine-tune see the new words', async () => {
    await scored();
    const e = curation.queue({ limit: 1 }).items[0]!;
    const mv = curation.modelVersionId;
    const before = session.store.vectors.feature(mv, { captionId: e.captionId })!;
    await curation.act({ captionId: e.captionId, action: 'edit', text: 'yellow sun' });
    const after = session.store.vectors.feature(mv, { captionId: e.captionId })!;
    const [ref] = await session.embedder.embedTexts(['yellow sun']);
    expect(Array.from(after)).toEqual(Array.from(ref!.ok ? ref!.value.cls : []));
    expect(Array.from(after)).not.toEqual(Array.from(before));
  });

  it('confirms a selection in one step, and refuses a bad suggestion number or an empty edit by field', async () => {
    await scored();
    const ids = curation.queue({ limit: 3 }).items.map((e) => e.captionId);
    const events = curation.bulk(ids, 'reject');
    expect(events.map((e) => [e.captionId, e.action, e.newState])).toEqual(ids.map((id) => [id, 'reject', 'rejected']));
    const other = curation.queue({ limit: 1 }).items[0]!.captionId;
    await expect(curation.act({ captionId: other, action: 'suggestion', suggestion: 6 })).rejects.toMatchObject({
      code: 'bad_request',
      field: 'suggestion',
    });
    await expect(curation.act({ captionId: other, action: 'edit', text: '   ' })).rejects.toMatchObject({
      code: 'bad_request',
      field: 'text',
    });
    await expect(curation.act({ captionId: 999999, action: 'confirm' })).rejects.toMatchObject({ code: 'not_found' });
    expect(session.store.curation.events()).toHaveLength(3);
  });

  it('follows a switch of the model version: the new version is scored, the old version keeps its scores', async () => {
    await scored();
    const store = session.store;
    const v1 = curation.modelVersionId;
    const v2 = store.modelVersions.ensure({
      name: 'tiny-albef+ft1',
      embedDim: 16,
      featureDim: 32,
      bundleSha256: null,
    }).id;
    store.transaction(() => {
      for (const [mediaId, v] of store.curation.embeddings(v1, 'image')) store.vectors.upsertImage(v2, mediaId, v);
      for (const [captionId, v] of store.curation.embeddings(v1, 'text')) store.vectors.upsertText(v2, captionId, v);
      for (const [mediaId, f] of store.curation.features(v1, 'media')) store.vectors.upsertFeature(v2, { mediaId }, f);
      for (const [captionId, f] of store.curation.features(v1, 'caption'))
        store.vectors.upsertFeature(v2, { captionId }, f);
    });
    const heads = parseHeadsFile(new Uint8Array(readFileSync(join(TINY, 'heads.safetensors'))));
    const job = curation.useModelVersion(v2, heads.momentum);
    expect(job).not.toBeNull();
    expect((await session.ingest.runner.wait(job!)).state).toBe('done');
    expect([curation.modelVersionId, store.curation.scoredCount(v2), store.curation.scoredCount(v1)]).toEqual([
      v2,
      6,
      6,
    ]);
  });

  it('puts a skipped pair behind the others until it is undone', async () => {
    await scored();
    const first = curation.queue({ limit: 1 }).items[0]!;
    await curation.act({ captionId: first.captionId, action: 'skip' });
    const q = curation.queue({ limit: 10 });
    expect(q.items.at(-1)!.captionId).toBe(first.captionId);
    expect(q.items.at(-1)!.skipped).toBe(true);
    await curation.undo(first.captionId);
    expect(curation.queue({ limit: 1 }).items[0]!.captionId).toBe(first.captionId);
    await expect(curation.undo(first.captionId)).rejects.toMatchObject({ code: 'nothing_to_undo' });
  });
});
