/// <reference lib="dom" />
/**
 * Importing a folder from the UI (issue #8): an empty library says what to do, the jobs tray shows the job's
 * progress, and the new photos are browsable and searchable — dropping one finds it and its near-duplicates.
 * Tiny random-weight bundle: near-duplicates (re-scaled, re-toned copies) still embed next to their original.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { test as base } from '@playwright/test';
import {
  DEMO_SOURCE,
  TINY_BUNDLE,
  dropFile,
  ensureDemoSource,
  expect,
  freshDir,
  serveLibrary,
  shot,
  type UiHost,
} from './ui-fixtures';

const test = base.extend<{ emptyHost: UiHost & { source: string } }>({
  emptyHost: async ({}, use) => {
    const root = freshDir('ui-import');
    const source = path.join(root, 'photos');
    mkdirSync(path.join(source, 'trip'), { recursive: true });
    ensureDemoSource(); // a clean clone has no data/ yet: build the demo photos from the installed packages
    const animals = path.join(DEMO_SOURCE, 'images', 'gcompris');
    const original = path.join(animals, 'explore_world_animals-bison.jpg');
    const others = readdirSync(animals).filter((f) => f.startsWith('explore_') && !original.endsWith(f));
    for (const f of [...others.slice(0, 29), path.basename(original)])
      copyFileSync(path.join(animals, f), path.join(source, f));
    // Two near-duplicates in a sub-folder: smaller and re-encoded; brighter and slightly cropped.
    await sharp(original)
      .resize({ width: 700 })
      .jpeg({ quality: 70 })
      .toFile(path.join(source, 'trip', 'bison-small.jpg'));
    const meta = await sharp(original).metadata();
    await sharp(original)
      .extract({ left: 20, top: 12, width: meta.width! - 40, height: meta.height! - 24 })
      .modulate({ brightness: 1.12 })
      .jpeg({ quality: 85 })
      .toFile(path.join(source, 'trip', 'bison-bright.jpg'));
    const served = await serveLibrary(path.join(root, 'lib'), TINY_BUNDLE);
    await use({ ...served, source });
    await served.host.close();
    rmSync(root, { recursive: true, force: true });
  },
});

test('importing a folder shows progress, then its photos are browsable and searchable by image', async ({
  page,
  emptyHost,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(emptyHost.url);
  await expect(page.getByTestId('empty-library')).toContainText('This library has no photos yet');
  await shot(page, 'ui-empty-library');

  await page.getByLabel('Import folder').fill(emptyHost.source);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const job = page.getByTestId('job').first();
  await expect(job).toBeVisible();
  await expect(job.getByRole('progressbar')).toBeVisible();
  await expect(job).toHaveAttribute('data-state', /running|queued|done/);
  await shot(page, 'ui-import-progress');
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  const total = 30 + 2;
  await expect(job).toContainText(`${total} / ${total} (100%)`);
  await expect(page.getByTestId('result-summary')).toHaveText(`${total} photos`);
  await expect(page.getByRole('navigation', { name: 'Library' })).toContainText('trip');

  await dropFile(page, path.join(DEMO_SOURCE, 'images', 'gcompris', 'explore_world_animals-bison.jpg'));
  const options = page.getByRole('listbox', { name: 'Photos' }).getByRole('option');
  await expect(options.first()).toHaveAccessibleName(/explore_world_animals-bison\.jpg, score 1\.00/);
  const top3 = await options.evaluateAll((els) => els.slice(0, 3).map((e) => e.getAttribute('aria-label') ?? ''));
  expect(
    top3.some((l) => l.includes('bison-small.jpg')),
    top3.join(' | '),
  ).toBe(true);
  expect(
    top3.some((l) => l.includes('bison-bright.jpg')),
    top3.join(' | '),
  ).toBe(true);
  await shot(page, 'ui-import-searchable');
});
