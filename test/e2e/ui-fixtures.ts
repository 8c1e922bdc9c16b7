/// <reference lib="dom" />
/**
 * Fixtures of the photo-album UI tests (issue #8): a library built by the test from the demo source folder
 * (data/demo, made by tools/dataset/build-demo-library-source.ts when absent) with a given model bundle, served
 * by the browser host exactly as `pairscope serve --library L --model M` serves it.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test as base, type Page } from '@playwright/test';
import { ImportSession } from '../../main/engine/ingest/import-session';
import { type NodeHost, openNodeHost } from '../../main/node-host';
import { projectRoot } from '../../main/project-paths';
import { newToken } from '../../main/server/auth';

export const DEMO_SOURCE = path.join(projectRoot, 'data', 'demo');
export const TINY_BUNDLE = path.join(projectRoot, 'test', 'fixtures', 'tiny-albef');
export const REAL_BUNDLE = path.join(projectRoot, 'resources', 'models', 'albef-emoji-small');
export const SCREENSHOTS = path.join(projectRoot, 'test-results', 'screenshots');

export function ensureDemoSource(): void {
  if (existsSync(path.join(DEMO_SOURCE, 'pairs.jsonl'))) return;
  execFileSync('npx', ['--no-install', 'tsx', 'tools/dataset/build-demo-library-source.ts'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
}

/** Imports the demo pairs into `library` (idempotent: a second run skips what is there). */
export async function buildDemoLibrary(library: string, bundleDir: string): Promise<void> {
  ensureDemoSource();
  const session = await ImportSession.open({ library, bundleDir });
  try {
    const summary = await session.ingest.finished(session.ingest.importPairs(path.join(DEMO_SOURCE, 'pairs.jsonl')));
    if (summary.state !== 'done')
      throw new Error(`demo import ended ${summary.state}: ${JSON.stringify(summary.error)}`);
  } finally {
    await session.close();
  }
}

const EMOJI = path.join(projectRoot, 'node_modules', 'emoji-datasource-google');

/**
 * Writes a pairs file of the first `count` Food & Drink emoji of the installed emoji-datasource-google package
 * (64 px PNGs copied into dir/data/images) with the captions `captionsFor(names)` gives for each image, and
 * returns its path. Used by the e2e tests that need a small paired library they made themselves.
 */
export function writeFoodEmojiPairs(dir: string, count: number, captionsFor: (names: string[]) => string[][]): string {
  const all = JSON.parse(readFileSync(path.join(EMOJI, 'emoji.json'), 'utf8')) as Array<{
    name: string | null;
    image: string;
    category: string;
    sort_order: number;
  }>;
  const food = all
    .filter((e) => e.category === 'Food & Drink' && e.name)
    .sort((a, b) => a.sort_order - b.sort_order)
    .slice(0, count);
  if (food.length < count) throw new Error(`the fixture needs ${count} food emoji, the package has ${food.length}`);
  mkdirSync(path.join(dir, 'data', 'images'), { recursive: true });
  const captions = captionsFor(food.map((e) => e.name!.toLowerCase()));
  const lines = food.flatMap((e, i) => {
    copyFileSync(path.join(EMOJI, 'img', 'google', '64', e.image), path.join(dir, 'data', 'images', e.image));
    return (captions[i] ?? []).map((caption) => JSON.stringify({ image: `images/${e.image}`, caption }));
  });
  const file = path.join(dir, 'data', 'pairs.jsonl');
  writeFileSync(file, lines.join('\n'));
  return file;
}

export interface UiHost {
  host: NodeHost;
  url: string;
  libraryDir: string;
}

export async function serveLibrary(libraryDir: string, bundleDir: string): Promise<UiHost> {
  const host = await openNodeHost({ port: 0, token: newToken(), libraryPath: libraryDir, bundleDir });
  return { host, url: host.browserHost.url, libraryDir };
}

/** One call of the typed contract over the host's HTTP API (what the renderer does), for a test's own checks. */
export async function apiCall(host: UiHost, method: string, input: unknown): Promise<unknown> {
  const url = new URL(host.url);
  const token = url.searchParams.get('token')!;
  const res = await fetch(`${url.origin}/api/${method}?token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: unknown };
  if (!body.ok) throw new Error(JSON.stringify(body.error));
  return body.value;
}

/**
 * A fresh folder under test-results/ for this process (each run proves the import, not a leftover; the pid keeps
 * two test runs on one machine — e.g. two people's `npm test` — from sharing a library, which its lock refuses).
 */
export function freshDir(name: string): string {
  const dir = path.join(projectRoot, 'test-results', `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The demo library with the tiny random-weight bundle: plumbing tests (no semantic assertions). */
export const test = base.extend<object, { demoHost: UiHost }>({
  demoHost: [
    async ({}, use) => {
      const root = freshDir('ui-demo-library');
      const dir = path.join(root, 'lib');
      await buildDemoLibrary(dir, TINY_BUNDLE);
      const served = await serveLibrary(dir, TINY_BUNDLE);
      await use(served);
      await served.host.close();
      rmSync(root, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 240_000 },
  ],
});

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Drops a file from disk onto the page as a person dragging it from the file manager would. */
export async function dropFile(page: Page, file: string, mimeType = 'image/jpeg'): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const base64 = readFileSync(file).toString('base64');
  const transfer = await page.evaluateHandle(
    ({ base64, name, mimeType }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: mimeType }));
      return dt;
    },
    { base64, name: path.basename(file), mimeType },
  );
  await page.dispatchEvent('main', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('main', 'drop', { dataTransfer: transfer });
}

export { expect } from '@playwright/test';
