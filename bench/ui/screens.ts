/**
 * Screenshots of the photo-album UI's main states in light and dark (issue #8: "look at the UI as a user"; the
 * best go to docs/screenshots/ and the README). Serves an existing library with a bundle, drives Debian's Chromium
 * through: browse, a text search, an image search with its captions panel, the lightbox, settings, the shortcut
 * help, and "no good match". Writes test-results/screens/<state>-<theme>.png.
 *
 * Usage: nice -n 19 npx tsx bench/ui/screens.ts --library DIR [--bundle DIR] [--query words] [--image FILE]
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { openNodeHost } from '../../main/node-host';
import { defaultBundleDir, projectRoot } from '../../main/project-paths';
import { newToken } from '../../main/server/auth';
import playwrightConfig from '../../playwright.config';

const { values } = parseArgs({
  options: {
    library: { type: 'string' },
    bundle: { type: 'string' },
    query: { type: 'string' },
    image: { type: 'string' },
  },
});
if (!values.library) throw new Error('--library DIR is required');
const out = path.join(projectRoot, 'test-results', 'screens');
mkdirSync(out, { recursive: true });
const query = values.query ?? 'a red apple';
const image = path.resolve(
  values.image ?? path.join(projectRoot, 'data', 'demo', 'images', 'gcompris', 'explore_world_animals-bison.jpg'),
);

const host = await openNodeHost({
  port: 0,
  token: newToken(),
  libraryPath: path.resolve(values.library),
  bundleDir: path.resolve(values.bundle ?? defaultBundleDir),
});
// The same Chromium and flags as the e2e tests.
const browser = await chromium.launch(playwrightConfig.use?.launchOptions);
try {
  for (const theme of ['light', 'dark'] as const) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript((t) => localStorage.setItem('pairscope.theme', t), theme);
    await page.goto(host.browserHost.url);
    await page.getByTestId('result-summary').waitFor();
    await settle(page);
    await shot(page, `browse-${theme}`);
    const search = page.getByLabel('Search', { exact: true });
    await search.fill(query);
    await search.press('Enter');
    await page.getByTestId('result-summary').filter({ hasText: 'for “' }).waitFor();
    await settle(page);
    await shot(page, `text-search-${theme}`);
    await page.getByRole('listbox', { name: 'Photos' }).getByRole('option').first().click();
    await page.getByTestId('lightbox-title').waitFor();
    await settle(page);
    await shot(page, `lightbox-${theme}`);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.locator('input[type=file]').setInputFiles(image);
    await page.getByRole('complementary', { name: 'Captions that fit this image' }).waitFor();
    await settle(page);
    await shot(page, `image-search-${theme}`);
    await page.getByRole('button', { name: 'Clear' }).click();
    await search.fill('zzqx unrelated words');
    await search.press('Enter');
    await page.getByLabel('Cut-off').fill('0.95');
    await page.getByText('No good match').first().waitFor();
    await shot(page, `no-good-match-${theme}`);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByTestId('settings-model').waitFor();
    await shot(page, `settings-${theme}`);
    await page.keyboard.press('Escape');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    await shot(page, `help-${theme}`);
    await page.close();
  }
} finally {
  await browser.close();
  await host.close();
}
console.log(`screenshots in ${out}`);

async function settle(page: Page): Promise<void> {
  // Thumbnails load once scrolling calms (deferred-src.ts); give the visible ones a moment.
  await page.waitForTimeout(1500);
}
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(out, `${name}.png`) });
}
