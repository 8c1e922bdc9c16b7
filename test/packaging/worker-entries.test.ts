// Every worker thread the engine starts must be an entry of the Electron build (electron.vite.config.ts), or the
// packaged app fails the first time it starts that worker. These checks read the source, so a new `new Worker(`
// that bypasses main/engine/worker-entry.ts, or a worker file missing from its list, fails here.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../electron.vite.config';
import { workerEntries, workerEntryUrl } from '../../main/engine/worker-entry';
import { projectRoot } from '../../main/project-paths';

/** Every non-test TypeScript file under main/, relative to the project root. */
function mainSources(dir = 'main'): string[] {
  return readdirSync(path.join(projectRoot, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return mainSources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [rel] : [];
  });
}
const sources = new Map(mainSources().map((rel) => [rel, readFileSync(path.join(projectRoot, rel), 'utf8')]));

describe('worker entries of the Electron build', () => {
  it('builds every worker in the list as its own entry of out/main, beside index', () => {
    const main = (config as { main: { build: { lib: { entry: Record<string, string> } } } }).main;
    expect(main.build.lib.entry).toEqual({ index: 'main/index.ts', ...workerEntries });
  });

  it('starts every worker thread in main/ from an entry of the list', () => {
    const starters = [...sources].filter(([, text]) => /new Worker\(/.test(text)).map(([rel]) => rel);
    expect(starters.length).toBeGreaterThanOrEqual(3);
    for (const rel of starters) {
      // A `new Worker(` with no entry from worker-entry.ts beside it would start a file the build does not emit.
      expect({ file: rel, usesList: /workerEntryUrl\('[a-z-]+'\)/.test(sources.get(rel)!) }).toEqual({
        file: rel,
        usesList: true,
      });
    }
    const named = [...sources.values()].flatMap((text) =>
      [...text.matchAll(/workerEntryUrl\('([a-z-]+)'\)/g)].map((m) => m[1]),
    );
    expect(new Set(named)).toEqual(new Set(Object.keys(workerEntries)));
  });

  it('lists every worker_threads entry file of main/ (a file that reads parentPort)', () => {
    const entries = [...sources]
      .filter(([, text]) => /\bparentPort\b/.test(text) && /from 'node:worker_threads'/.test(text))
      .map(([rel]) => rel)
      .sort();
    expect(entries).toEqual(Object.values(workerEntries).sort());
  });

  it('has, beside each worker entry, the boot file that starts it from source', () => {
    for (const [name, rel] of Object.entries(workerEntries)) {
      const boot = rel.replace(/\.ts$/, '.boot.mjs');
      expect(existsSync(path.join(projectRoot, boot)), boot).toBe(true);
      expect(readFileSync(path.join(projectRoot, boot), 'utf8')).toContain(`import('./${path.basename(rel)}')`);
      expect(workerEntryUrl(name as keyof typeof workerEntries).href).toBe(
        new URL(boot, `file://${projectRoot}/`).href,
      );
    }
  });

  it('points at out/main/<name>.js when the code runs from the bundle', () => {
    const chunk = 'file:///opt/Pairscope/resources/app.asar/out/main/open-library-AbC123.js';
    expect(workerEntryUrl('prepare-worker', chunk).href).toBe(
      'file:///opt/Pairscope/resources/app.asar/out/main/prepare-worker.js',
    );
    expect(workerEntryUrl('fine-tune-worker', chunk).href).toBe(
      'file:///opt/Pairscope/resources/app.asar/out/main/fine-tune-worker.js',
    );
  });
});
