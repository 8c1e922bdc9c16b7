/// <reference lib="dom" />
/**
 * Settings (issue #8) in Debian's Chromium against the browser host: choices are validated, stored in the library
 * and applied at the next model load (proved by opening the library again); removing a root asks first, then
 * deletes only its photos from the library. Search hits read as their pair's caption with the score.
 * Tiny random-weight bundle: nothing here depends on ranking quality.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test as base } from '@playwright/test';
import { ImportSession } from '../../main/engine/ingest/import-session';
import { openNodeHost } from '../../main/node-host';
import { newToken } from '../../main/server/auth';
import { TINY_BUNDLE, expect, freshDir, serveLibrary, shot, writeFoodEmojiPairs, type UiHost } from './ui-fixtures';

const EMOJI = path.join('node_modules', 'emoji-datasource-google', 'img', 'google', '64');

const test = base.extend<{ small: UiHost & { extra: string } }>({
  small: async ({}, use) => {
    const root = freshDir('ui-settings');
    const pairs = writeFoodEmojiPairs(root, 12, (names) => names.map((n) => [`a picture of ${n}`]));
    const extra = path.join(root, 'extra');
    mkdirSync(extra);
    for (const f of readdirSync(EMOJI)
      .filter((f) => f.startsWith('1f4'))
      .slice(0, 3))
      copyFileSync(path.join(EMOJI, f), path.join(extra, f));
    const lib = path.join(root, 'lib');
    const session = await ImportSession.open({ library: lib, bundleDir: TINY_BUNDLE });
    try {
      for (const id of [session.ingest.importPairs(pairs), session.ingest.importFolder(extra)]) {
        expect((await session.ingest.finished(id)).state).toBe('done');
      }
    } finally {
      await session.close();
    }
    const served = await serveLibrary(lib, TINY_BUNDLE);
    await use({ ...served, extra });
    await served.host.close().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  },
});

test('settings are validated, stored in the library and applied at the next model load', async ({ page, small }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(small.url);
  await expect(page.getByTestId('result-summary')).toHaveText('15 photos');
  await page.keyboard.press(',');
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByTestId('settings-model')).toHaveText('tiny-albef');
  await expect(settings.getByText('This run was started with --model')).toBeVisible();
  const cores = Number((await settings.getByTestId('settings-threads').textContent())!.match(/of (\d+)/)![1]);

  await settings.getByLabel('CPU threads').selectOption('1');
  await expect(settings.getByTestId('settings-pending')).toContainText('apply at the next model load');
  await settings.getByLabel('Execution provider').selectOption('cpu');
  await expect(settings.getByTestId('settings-threads')).toHaveText(`${cores} of ${cores} cores`); // unchanged now

  await settings.getByLabel('Bundle folder path').fill('/no/such/bundle');
  await settings.getByRole('button', { name: 'Use this bundle' }).click();
  await expect(settings.getByRole('alert')).toContainText('/no/such/bundle is not a usable model bundle');
  await settings.getByLabel('Bundle folder path').fill(TINY_BUNDLE);
  await settings.getByRole('button', { name: 'Use this bundle' }).click();
  await expect(settings.getByRole('alert')).toHaveCount(0);
  await expect(settings.getByLabel('Model bundle')).toHaveValue(TINY_BUNDLE);

  // Removing a root: the first click only counts; "Keep it" deletes nothing; the second step deletes.
  const roots = settings.getByTestId('settings-roots');
  const extraRow = roots.getByRole('listitem').filter({ hasText: small.extra });
  await extraRow.getByRole('button', { name: 'Remove…' }).click();
  const confirm = settings.getByRole('alertdialog', { name: 'Confirm removing a root' });
  await expect(confirm).toContainText('3 photos, 0 captions and 0 review corrections');
  await shot(page, 'ui-settings-remove-root');
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(extraRow).toContainText('3 photos');
  await extraRow.getByRole('button', { name: 'Remove…' }).click();
  await confirm.getByRole('button', { name: 'Delete from library' }).click();
  await expect(settings.getByRole('status').filter({ hasText: 'Removed' })).toContainText(
    `Removed ${small.extra} from the library (3 photos)`,
  );
  await expect(extraRow).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('result-summary')).toHaveText('12 photos');

  // The next model load: the same library opened again WITHOUT --model, so the stored choices apply.
  await small.host.close();
  const again = await openNodeHost({ port: 0, token: newToken(), libraryPath: small.libraryDir });
  try {
    await page.goto(again.browserHost.url);
    await expect(page.getByTestId('result-summary')).toHaveText('12 photos');
    await page.getByLabel('Search', { exact: true }).fill('apple');
    await page.getByLabel('Search', { exact: true }).press('Enter');
    await page.getByLabel('Cut-off').fill('-0.2'); // random weights: keep every hit, this is about how they read
    await expect(page.getByTestId('result-summary')).toContainText('12 matches for “apple”');
    const first = page.getByRole('listbox', { name: 'Photos' }).getByRole('option').first();
    // A hit reads as its pair's caption, then the file name and the score.
    await expect(first).toHaveAccessibleName(/^a picture of [a-z ]+ — [0-9a-f-]+\.png, score -?\d\.\d\d$/);
    await expect(first.locator('.caption')).toHaveText(/^a picture of /);
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(settings.getByTestId('settings-model')).toHaveText('tiny-albef');
    await expect(settings.getByTestId('settings-threads')).toHaveText(`1 of ${cores} cores`);
    await expect(settings.getByTestId('settings-provider')).toContainText('text: cpu');
    await expect(settings.getByTestId('settings-pending')).toHaveText('What runs now is what is chosen.');
  } finally {
    await again.close();
  }
});
