import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../project-paths';
import { LibraryStore } from '../store/library-store';
import { openLibrary, type OpenLibrary } from './open-library';
import { RUNTIME_PREFERENCES_KEY } from './runtime-preferences';

const TINY = path.join(projectRoot, 'test', 'fixtures', 'tiny-albef');
const EMOJI = path.join(projectRoot, 'node_modules', 'emoji-datasource-google', 'img', 'google', '64');

/** Copies `n` emoji PNGs of the installed package into `dir` and writes a pairs file captioning each. */
function writePairs(dir: string, n: number, offset: number): string {
  mkdirSync(dir, { recursive: true });
  const names = readdirSync(EMOJI)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .slice(offset, offset + n);
  names.forEach((f) => copyFileSync(path.join(EMOJI, f), path.join(dir, f)));
  const file = path.join(dir, 'pairs.jsonl');
  writeFileSync(file, names.map((f) => JSON.stringify({ image: f, caption: `emoji ${f}` })).join('\n'));
  return file;
}

// Each test opens a real library with the tiny bundle (model worker included) two or three times: ~2 s on an idle
// box, up to a minute each while the 2 cores train a model, hence the longer limit.
describe('LibrarySettings (Settings panel: runtime choices, bundles, library roots)', { timeout: 240_000 }, () => {
  let dir: string;
  let lib: OpenLibrary | null = null;
  const open = async (fromCommandLine = false) =>
    (lib = await openLibrary({
      library: path.join(dir, 'lib'),
      bundleDir: TINY,
      bundleFromCommandLine: fromCommandLine,
      bundleParents: [path.join(projectRoot, 'test', 'fixtures')],
    }));
  const close = async () => {
    await lib?.close();
    lib = null;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'settings-'));
  });
  afterEach(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores provider, threads and bundle in the library and loads the model with them next time', async () => {
    let l = await open();
    const before = await l.settings.get();
    expect(before.threads).toBe(availableParallelism());
    expect(before.chosen).toEqual({ bundleDir: null, provider: null, threads: null });
    expect(before.pendingReload).toBe(false);
    expect(before.bundles).toEqual([{ dir: TINY, ok: true, name: 'tiny-albef' }]);

    const after = await l.settings.set({ provider: 'cpu', threads: 1, bundleDir: TINY });
    expect(after.chosen).toEqual({ bundleDir: TINY, provider: 'cpu', threads: 1 });
    expect(after.threads).toBe(availableParallelism()); // what runs has not changed yet...
    expect(after.pendingReload).toBe(true); // ...the choice applies at the next load
    expect(l.session.store.settings.get(RUNTIME_PREFERENCES_KEY)).toEqual({
      bundleDir: TINY,
      provider: 'cpu',
      threads: 1,
    });
    await close();

    l = await open();
    await l.session.embedder.embedTexts(['emoji']); // graphs open on first use
    const reloaded = await l.settings.get();
    expect(reloaded.threads).toBe(1);
    expect(reloaded.pendingReload).toBe(false);
    expect(reloaded.graphs.map((g) => [g.graph, g.provider])).toEqual([['text', 'cpu']]);

    const auto = await l.settings.set({ provider: null, threads: null, bundleDir: null });
    expect(auto.chosen).toEqual({ bundleDir: null, provider: null, threads: null });
    expect(auto.pendingReload).toBe(true);
  });

  it('refuses a folder that is not a bundle, a provider not available here and a thread count out of range', async () => {
    const l = await open();
    await expect(l.settings.set({ bundleDir: dir })).rejects.toMatchObject({
      code: 'bad_bundle',
      field: 'bundleDir',
      message: expect.stringContaining(`${dir} is not a usable model bundle`),
    });
    await expect(l.settings.set({ provider: 'coreml' })).rejects.toMatchObject({ code: 'bad_provider' });
    await expect(l.settings.set({ threads: availableParallelism() + 1 })).rejects.toMatchObject({
      code: 'bad_threads',
    });
    expect((await l.settings.get()).chosen).toEqual({ bundleDir: null, provider: null, threads: null });
  });

  it('opens the library with the host bundle, and says why, when the chosen bundle no longer loads', async () => {
    const copy = path.join(dir, 'tiny-copy');
    mkdirSync(copy);
    for (const f of readdirSync(TINY)) copyFileSync(path.join(TINY, f), path.join(copy, f));
    let l = await open();
    await l.settings.set({ bundleDir: copy });
    await close();
    rmSync(path.join(copy, 'manifest.json'));
    l = await open();
    const s = await l.settings.get();
    expect(s.bundleDir).toBe(TINY);
    expect(s.loadProblem).toContain(`the chosen bundle ${copy} did not load`);
  });

  it('says when the library’s embeddings came from another build of a bundle with the same name', async () => {
    const manifest = JSON.parse(readFileSync(path.join(TINY, 'manifest.json'), 'utf8')) as { name: string };
    mkdirSync(path.join(dir, 'lib'));
    const store = LibraryStore.open(path.join(dir, 'lib', 'library.pairscope'));
    store.modelVersions.ensure({ name: manifest.name, embedDim: 16, featureDim: 16, bundleSha256: '0'.repeat(64) });
    store.close();
    const l = await open();
    expect((await l.settings.get()).embedded).toEqual({ photos: 0, withThisModel: 0, otherBuild: true });
  });

  it('a bundle given on the command line wins over the stored choice', async () => {
    let l = await open();
    const copy = path.join(dir, 'tiny-copy');
    mkdirSync(copy);
    for (const f of readdirSync(TINY)) copyFileSync(path.join(TINY, f), path.join(copy, f));
    await l.settings.set({ bundleDir: copy });
    await close();
    l = await open(true);
    const s = await l.settings.get();
    expect(s.bundleDir).toBe(TINY);
    expect(s.bundleFromCommandLine).toBe(true);
    expect(s.pendingReload).toBe(false);
  });

  it('removing a root deletes its photos, captions and vectors only when asked, and it is not watched again', async () => {
    const keep = writePairs(path.join(dir, 'keep'), 3, 0);
    const drop = writePairs(path.join(dir, 'drop'), 4, 3);
    let l = await open();
    for (const file of [keep, drop]) {
      const summary = await l.session.ingest.finished(l.session.ingest.importPairs(file));
      expect(summary.state).toBe('done');
    }
    const folder = path.join(dir, 'drop');
    await l.session.ingest.finished(l.session.ingest.importFolder(folder));
    expect(l.session.store.media.count()).toBe(7);

    expect(l.settings.rootContents(folder)).toEqual({ root: folder, photos: 4, captions: 4, corrections: 0 });
    expect((await l.settings.get()).embedded).toEqual({ photos: 7, withThisModel: 7, otherBuild: false });
    expect(l.session.store.media.count()).toBe(7); // counting deletes nothing

    const hitsBefore = await l.search.search({ text: 'emoji', limit: 50, minScore: -1 });
    expect(hitsBefore.items.filter((h) => h.path.startsWith(folder))).toHaveLength(4);
    expect(l.settings.removeRoot(folder)).toEqual({ root: folder, photos: 4, captions: 4, corrections: 0 });
    expect(l.session.store.media.count()).toBe(3);
    const hitsAfter = await l.search.search({ text: 'emoji', limit: 50, minScore: -1 });
    expect(hitsAfter.items.map((h) => path.dirname(h.path))).toEqual([
      path.join(dir, 'keep'),
      path.join(dir, 'keep'),
      path.join(dir, 'keep'),
    ]);
    expect(l.settings.skippedRoots()).toEqual(new Set([folder]));
    expect((await l.settings.get()).embedded).toEqual({ photos: 3, withThisModel: 3, otherBuild: false });
    expect(readdirSync(folder).filter((f) => f.endsWith('.png'))).toHaveLength(4); // files untouched
    expect(() => l.settings.rootContents(path.join(dir, 'elsewhere'))).toThrow(/is not a root of this library/);
    await close();

    // Imported again later: watched again (the removal is older than the import).
    l = await open();
    expect(l.settings.skippedRoots()).toEqual(new Set([folder]));
    await l.session.ingest.finished(l.session.ingest.importFolder(folder));
    expect(l.settings.skippedRoots()).toEqual(new Set());
    expect(l.session.store.media.count()).toBe(7);
  });
});
