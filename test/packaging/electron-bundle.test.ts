// The Electron build runs its worker threads from out/main (electron.vite.config.ts, main/engine/worker-entry.ts).
// This builds the app into a scratch folder inside the project (so its externals resolve from node_modules), then,
// under plain Node — the Electron binary is optional and absent on the build machines — opens a library with the
// BUNDLED engine code, imports real images (decode workers + embedding worker started by the bundle) and searches,
// and starts the bundled fine-tune worker. Slow-ish (a full vite build, about 10 s), so it is the only such test.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerEntries } from '../../main/engine/worker-entry';
import { projectRoot } from '../../main/project-paths';

const TINY = path.join(projectRoot, 'test', 'fixtures', 'tiny-albef');
const EMOJI = path.join(projectRoot, 'node_modules', 'emoji-datasource-google', 'img', 'google', '64');

let scratch: string;
let mainOut: string;

beforeAll(() => {
  mkdirSync(path.join(projectRoot, '.cache'), { recursive: true });
  scratch = mkdtempSync(path.join(projectRoot, '.cache', 'bundle-test-'));
  const bin = path.join(projectRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  execFileSync(process.execPath, [bin, 'build', '--outDir', path.join(scratch, 'out'), '--logLevel', 'error'], {
    cwd: projectRoot,
    stdio: 'pipe',
  });
  mainOut = path.join(scratch, 'out', 'main');
}, 180_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Runs an ES module under plain Node from inside the built out/main, returning what it printed as JSON. */
function runInBundle(code: string): unknown {
  const file = path.join(mainOut, `probe-${process.pid}.mjs`);
  writeFileSync(file, code);
  const out = execFileSync(process.execPath, [file], { cwd: scratch, encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

describe('the Electron bundle (out/main)', () => {
  it('holds index.js and one .js per worker entry', () => {
    const files = readdirSync(mainOut);
    for (const name of ['index', ...Object.keys(workerEntries)]) expect(files).toContain(`${name}.js`);
    expect(files.filter((f) => f.endsWith('.ts') || f.endsWith('.mjs'))).toEqual([]);
  });

  it('imports photos and searches them with the bundled engine and its bundled workers', () => {
    const photos = path.join(scratch, 'photos');
    mkdirSync(photos);
    const names = readdirSync(EMOJI)
      .filter((f) => f.endsWith('.png'))
      .sort()
      .slice(0, 6);
    names.forEach((f) => copyFileSync(path.join(EMOJI, f), path.join(photos, f)));
    const chunk = readdirSync(mainOut).find((f) =>
      /export \{\s*openLibrary\s*\}/.test(readFileSync(path.join(mainOut, f), 'utf8')),
    );
    expect(chunk).toBeDefined();
    const result = runInBundle(`
      import { openLibrary } from './${chunk}';
      const lib = await openLibrary({ library: ${JSON.stringify(path.join(scratch, 'lib'))}, bundleDir: ${JSON.stringify(TINY)} });
      try {
        const summary = await lib.session.ingest.finished(lib.session.ingest.importFolder(${JSON.stringify(photos)}));
        const found = await lib.search.search({ text: 'emoji', limit: 3, minScore: -1 });
        console.log(JSON.stringify({ state: summary.state, imported: summary.imported, hits: found.items.length }));
      } finally {
        await lib.close();
      }
    `);
    expect(result).toEqual({ state: 'done', imported: 6, hits: 3 });
  });

  it('starts the bundled fine-tune worker, which answers a bad request with its error shape', () => {
    const result = runInBundle(`
      import { Worker } from 'node:worker_threads';
      const worker = new Worker(new URL('./fine-tune-worker.js', import.meta.url));
      const reply = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage({ type: 'start', input: { pairs: [] }, options: {} });
      });
      await worker.terminate();
      console.log(JSON.stringify({ type: reply.type, name: reply.error?.name }));
    `);
    expect(result).toEqual({ type: 'error', name: 'FineTuneError' });
  });

  it('starts the bundled graph-build worker, which builds and writes an HNSW graph (fine-tune index rebuild)', () => {
    const file = path.join(scratch, 'probe.hnsw');
    const result = runInBundle(`
      import { Worker } from 'node:worker_threads';
      import { statSync } from 'node:fs';
      const worker = new Worker(new URL('./graph-build-worker.js', import.meta.url));
      const dim = 8, count = 50;
      const vectors = Float32Array.from({ length: count * dim }, (_, i) => Math.sin(i));
      const labels = Float64Array.from({ length: count }, (_, i) => i + 1);
      const reply = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage({ dim, params: { m: 16, efConstruction: 50, efSearch: 32, seed: 1 }, labels, vectors, file: ${JSON.stringify(file)} });
      });
      await worker.terminate();
      console.log(JSON.stringify({ ...reply, written: statSync(${JSON.stringify(file)}).size > 0 }));
    `);
    expect(result).toEqual({ type: 'done', count: 50, written: true });
  });
});
