import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../cli';
import { libraryFiles } from '../engine/ingest/import-session';
import { patternImage } from '../engine/ingest/test-images';
import { LibraryStore } from '../engine/store/library-store';
import { makeTempDir } from '../engine/store/test-support/temp-dir';

/**
 * Issue #10 end to end through the CLI on a real library (real SQLite, the tiny bundle's ONNX graphs, real
 * JPEGs): finetune → new active version, search changes; rollback restores earlier results exactly; a
 * SIGKILL mid-training leaves the active version untouched; too-small or all-rejected libraries are refused.
 * Slow-ish (imports 40 photos and trains a few hundred tiny steps): ~30 s on 2 cores.
 */
const TINY = join(__dirname, '../../test/fixtures/tiny-albef');
const ROOT = join(__dirname, '../..');
const WORDS = ['red', 'blue', 'green', 'yellow', 'black', 'white', 'pink', 'grey'];
const THINGS = ['ball', 'cup', 'car', 'tree', 'house'];

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t + '\n'), stderr: (t) => (err += t + '\n') });
  return { code, out, err };
}

/** A library of `n` photos with one or two captions each (a pattern image per seed, colour + thing captions). */
async function makeLibrary(dir: string, n: number, captionsPerPhoto = 2): Promise<string> {
  const data = join(dir, 'data');
  mkdirSync(join(data, 'img'), { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    writeFileSync(join(data, 'img', `${i}.jpg`), await patternImage(i + 1, 'jpeg', 64));
    const w = WORDS[i % WORDS.length]!;
    const t = THINGS[Math.floor(i / WORDS.length) % THINGS.length]!;
    lines.push(JSON.stringify({ image: `img/${i}.jpg`, caption: `a ${w} ${t}` }));
    if (captionsPerPhoto > 1)
      lines.push(JSON.stringify({ image: `img/${i}.jpg`, caption: `photo of a ${t} that is ${w}` }));
  }
  writeFileSync(join(data, 'pairs.jsonl'), lines.join('\n') + '\n');
  const lib = join(dir, 'lib');
  const r = await run(['import', '--library', lib, '--model', TINY, join(data, 'pairs.jsonl'), '--json']);
  expect(r.code, r.err).toBe(0);
  return lib;
}

const search = async (lib: string, text: string) => {
  const r = await run(['search', '--library', lib, '--model', TINY, '--text', text, '--json', '--limit', '10']);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as Array<{ path: string; score: number }>;
};
const versions = async (lib: string) =>
  JSON.parse((await run(['versions', '--library', lib, '--model', TINY, '--json'])).out) as Array<{
    name: string;
    active: boolean;
    after?: unknown;
  }>;

let tmp: ReturnType<typeof makeTempDir>;
let lib: string;
beforeAll(async () => {
  tmp = makeTempDir('pairscope-finetune-');
  lib = await makeLibrary(tmp.dir, 40);
}, 120_000);
afterAll(() => tmp.remove());

describe('pairscope finetune / versions / rollback', () => {
  it('a SIGKILL mid-training leaves the active version and its search results untouched', async () => {
    const before = await search(lib, 'a red ball');
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin/pairscope.js'), 'finetune', '--library', lib, '--model', TINY, '--epochs', '5000'],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
        if (/step \d+\/\d+/.test(err)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`finetune exited (${code}) before training: ${err}`)));
    });
    child.kill('SIGKILL');
    const signal = await new Promise((resolve) => child.once('close', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    const list = await versions(lib);
    expect(list.map((v) => [v.name, v.active])).toEqual([['tiny-albef', true]]);
    expect(await search(lib, 'a red ball')).toEqual(before);
  }, 120_000);

  it('fine-tunes into a new active version that changes search, and rollback restores results exactly', async () => {
    const before = await search(lib, 'a red ball');
    const queue = async () => {
      const q = await run(['curate', '--library', lib, '--model', TINY, '--json', '--limit', '200']);
      expect(q.code, q.err).toBe(0);
      return new Map(
        (JSON.parse(q.out) as Array<{ caption_id: number; score: number }>).map((e) => [e.caption_id, e.score]),
      );
    };
    const queueBefore = await queue();
    const r = await run(['finetune', '--library', lib, '--model', TINY, '--json']);
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out) as {
      version: { name: string };
      previous: { name: string };
      before: { t2i: { r1: number }; images: number; texts: number };
      after: { t2i: { r1: number }; images: number; texts: number };
      lossCurve: unknown[];
    };
    expect(out.previous.name).toBe('tiny-albef');
    expect(out.version.name).toMatch(/^tiny-albef\+ft\d+$/);
    expect(out.lossCurve.length).toBeGreaterThanOrEqual(100);
    // Before and after are measured on the same held-out gallery (whole photos, never trained on).
    expect([out.after.images, out.after.texts]).toEqual([out.before.images, out.before.texts]);
    expect(out.before.images).toBeGreaterThanOrEqual(2);
    // pairscope curate scores and orders the queue with the active (fine-tuned) version.
    const queueAfter = await queue();
    expect([...queueAfter.keys()].sort()).toEqual([...queueBefore.keys()].sort());
    expect([...queueAfter].some(([id, score]) => queueBefore.get(id) !== score)).toBe(true);
    // pairscope eval --library evaluates the active (fine-tuned) version; the bundle's version through its own
    // heads.safetensors gives exactly the figures of the bundle's ONNX projection.
    const manifest = join(tmp.dir, 'eval.jsonl');
    writeFileSync(
      manifest,
      Array.from({ length: 40 }, (_, i) =>
        JSON.stringify({
          image: `data/img/${i}.jpg`,
          caption: `a ${WORDS[i % 8]} ${THINGS[Math.floor(i / 8) % 5]}`,
          id: String(i),
        }),
      ).join('\n'),
    );
    const evalJson = async (extra: string[]) => {
      const e = await run(['eval', '--manifest', manifest, '--bundle', TINY, '--no-itm', '--json', ...extra]);
      expect(e.code, e.err).toBe(0);
      return JSON.parse(e.out) as { modelVersion?: string; itc: unknown; n: { images: number; texts: number } };
    };
    const plain = await evalJson([]);
    const active = await evalJson(['--library', lib]);
    const bundleVersion = await evalJson(['--library', lib, '--model-version', 'tiny-albef']);
    expect(active.modelVersion).toBe(out.version.name);
    expect(active.n).toEqual({ images: 40, texts: 40 });
    expect(bundleVersion.modelVersion).toBe('tiny-albef');
    expect(bundleVersion.itc).toEqual(plain.itc);
    const list = await versions(lib);
    expect(list.map((v) => [v.name, v.active])).toEqual([
      ['tiny-albef', false],
      [out.version.name, true],
    ]);
    expect(list[1]!.after).toEqual(out.after);

    const after = await search(lib, 'a red ball');
    // The query is projected with the new version's heads: a stored caption's own text comes back at cosine 1.
    const own = await run([
      'search',
      '--library',
      lib,
      '--model',
      TINY,
      '--text',
      'a red ball',
      '--captions',
      '--json',
    ]);
    const [top] = JSON.parse(own.out) as Array<{ text: string; score: number }>;
    expect(top!.text).toBe('a red ball');
    expect(top!.score).toBeCloseTo(1, 4);
    expect(after.map((h) => h.score)).not.toEqual(before.map((h) => h.score));

    const back = await run(['rollback', '--library', lib, '--model', TINY, '--to', 'tiny-albef']);
    expect(back.code, back.err).toBe(0);
    expect(await search(lib, 'a red ball')).toEqual(before);
    expect((await run(['rollback', '--library', lib, '--model', TINY, '--to', out.version.name])).code).toBe(0);
    expect(await search(lib, 'a red ball')).toEqual(after);

    const bad = await run(['rollback', '--library', lib, '--model', TINY, '--to', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`No model version "nope" in this library (it has: tiny-albef, ${out.version.name})`);
  }, 300_000);

  it('refuses a library of 5 pairs, and one whose pairs are all rejected, saying what is needed', async () => {
    const small = makeTempDir('pairscope-finetune-small-');
    try {
      const few = await makeLibrary(small.dir, 5, 1);
      const r = await run(['finetune', '--library', few, '--model', TINY]);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        'pairscope finetune: Fine-tuning needs at least 32 image–caption pairs that are not rejected; this library has 5 (0 rejected). Import or confirm more pairs.\n',
      );
      const store = LibraryStore.open(libraryFiles(few).dbFile);
      try {
        for (const p of store.versions.pairs()) store.captions.correct(p.captionId, 'reject', 'test');
      } finally {
        store.close();
      }
      const rejected = await run(['finetune', '--library', few, '--model', TINY]);
      expect(rejected.code).toBe(1);
      expect(rejected.err).toBe(
        'pairscope finetune: All 5 pairs are rejected; fine-tuning needs at least 32 pairs that are confirmed, edited or unreviewed.\n',
      );
      expect((await versions(few)).map((v) => [v.name, v.active])).toEqual([['tiny-albef', true]]);
    } finally {
      small.remove();
    }
  }, 120_000);
});
