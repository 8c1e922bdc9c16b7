/// <reference lib="dom" />
/**
 * The photo-album UI in Debian's Chromium against the browser host (issue #8), on the demo library built by the
 * fixture with the tiny random-weight bundle: browsing, keyboard, lightbox, search plumbing, cut-off, drop, themes.
 * Semantic quality is tested with the real bundle in ui-semantic.spec.ts.
 */
import path from 'node:path';
import { DEMO_SOURCE, dropFile, expect, shot, test } from './ui-fixtures';

test.describe('photo album on the demo library', () => {
  test('browses all 426 photos; arrows move focus, Enter opens the lightbox, arrows step, Esc closes', async ({
    page,
    demoHost,
  }) => {
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(demoHost.url);
    await expect(page.getByTestId('result-summary')).toHaveText('426 photos');
    const grid = page.getByRole('listbox', { name: 'Photos' });
    const first = grid.getByRole('option').first();
    await expect(first).toHaveAccessibleName(/framed picture — framed-picture\.jpg/);
    await expect(page.getByTestId('photo-grid')).not.toHaveAttribute('data-first-thumb-ms', '');
    await shot(page, 'ui-browse');

    await first.focus();
    await page.keyboard.press('ArrowRight');
    await expect(grid.locator('[data-index="1"]')).toBeFocused();
    await page.keyboard.press('ArrowDown');
    const down = await page.evaluate(() => Number(document.activeElement?.getAttribute('data-index')));
    expect(down).toBeGreaterThan(2);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await expect(page.getByTestId('lightbox-position')).toHaveText(`${down + 1} of 426`);
    await expect(dialog.getByText('Path')).toBeVisible();
    await expect(dialog.locator('.captions li')).toHaveCount(1);
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('lightbox-position')).toHaveText(`${down + 2} of 426`);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByTestId('lightbox-position')).toHaveText(`${down} of 426`);
    await expect(dialog.locator('figure img')).toHaveJSProperty('complete', true);
    await shot(page, 'ui-lightbox');
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    // Focus returns to the photo the lightbox ended on.
    await expect(grid.locator(`[data-index="${down - 1}"]`)).toBeFocused();
    expect(errors, 'CSP violations or script errors').toEqual([]);
  });

  test('a text query shows scored results, the cut-off hides poor matches and says so', async ({ page, demoHost }) => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(demoHost.url);
    await page.keyboard.press('/');
    await expect(page.getByLabel('Search', { exact: true })).toBeFocused();
    await page.keyboard.type('a bison on the plains');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('result-summary')).toContainText('for “a bison on the plains”');
    // Random weights score low: the lowest cut-off keeps every result (the default is tuned on the real bundle).
    const lowest = page.waitForResponse(
      (r) => r.url().endsWith('/api/search.query') && (r.request().postData() ?? '').includes('"minScore":-0.2'),
    );
    await page.getByLabel('Cut-off').fill('-0.2');
    await lowest;
    const options = page.getByRole('listbox', { name: 'Photos' }).getByRole('option');
    await expect(options.first()).toHaveAccessibleName(/score \d\.\d\d/);
    const scores = await options.evaluateAll((els) =>
      els.map((e) => Number(/score (-?\d\.\d\d)/.exec(e.getAttribute('aria-label') ?? '')?.[1])),
    );
    expect(scores.length).toBeGreaterThan(1);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    await shot(page, 'ui-text-search');

    // Raise the cut-off above the best score: the tail disappears and the page says "no good match".
    const best = scores[0]!;
    await page.getByLabel('Cut-off').fill(String(Math.min(1, Math.ceil((best + 0.01) * 100) / 100)));
    await expect(page.getByTestId('no-good-match')).toContainText('No good match for “a bison on the plains”');
    await expect(page.getByTestId('best-score')).toHaveText(best.toFixed(2));
    await expect(options).toHaveCount(0);
    await shot(page, 'ui-no-good-match');
    // A cut-off between the scores keeps exactly the results above it.
    const mid = scores[Math.floor(scores.length / 2)]!;
    await page.getByLabel('Cut-off').fill(mid.toFixed(2));
    await expect(page.getByTestId('no-good-match')).toHaveCount(0);
    const kept = await options.evaluateAll((els) =>
      els.map((e) => Number(/score (-?\d\.\d\d)/.exec(e.getAttribute('aria-label') ?? '')?.[1])),
    );
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(scores.length);
    expect(Math.min(...kept)).toBeGreaterThanOrEqual(mid - 0.005);
  });

  test('dropping an image file searches by image: the same photo ranks first, with captions that fit it', async ({
    page,
    demoHost,
  }) => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(demoHost.url);
    await expect(page.getByTestId('result-summary')).toHaveText('426 photos');
    await dropFile(page, path.join(DEMO_SOURCE, 'images', 'gcompris', 'explore_world_animals-bison.jpg'));
    await expect(page.getByTestId('query-image')).toContainText('explore_world_animals-bison.jpg');
    const first = page.getByRole('listbox', { name: 'Photos' }).getByRole('option').first();
    await expect(first).toHaveAccessibleName(/explore_world_animals-bison\.jpg, score 1\.00/);
    await expect(
      page.getByRole('complementary', { name: 'Captions that fit this image' }).getByRole('listitem'),
    ).not.toHaveCount(0);
    await shot(page, 'ui-image-search');
    // Words combine with the image; Esc drops the image and keeps the words.
    await page.getByLabel('Search', { exact: true }).fill('animal');
    await page.getByLabel('Search', { exact: true }).press('Enter');
    await expect(page.getByTestId('result-summary')).toContainText('“animal” + image explore_world_animals-bison.jpg');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('query-image')).toHaveCount(0);
    await expect(page.getByTestId('result-summary')).toContainText('for “animal”');
  });

  test('more like this from the lightbox; help overlay, settings and the dark theme', async ({ page, demoHost }) => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(demoHost.url);
    const options = page.getByRole('listbox', { name: 'Photos' }).getByRole('option');
    const source = /([^ ]+\.jpg)$/.exec((await options.nth(2).getAttribute('aria-label')) ?? '')?.[1];
    expect(source).toBeTruthy();
    await options.nth(2).click();
    await page.getByRole('button', { name: 'More like this' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByTestId('query-image')).toContainText(source!);
    // The photo itself is the query, so the results are the others, most similar first.
    await expect(options.first()).toHaveAccessibleName(/score \d\.\d\d$/);
    expect(await options.first().getAttribute('aria-label')).not.toContain(source!);

    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toContainText('Focus the search field');
    await shot(page, 'ui-help');
    await page.keyboard.press('Escape');
    await expect(help).toHaveCount(0);

    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await expect(settings.getByTestId('settings-model')).toHaveText('tiny-albef');
    await expect(settings.getByTestId('settings-provider')).toContainText(/vision: \w+/);
    await shot(page, 'ui-settings');
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await shot(page, 'ui-dark');
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  });
});
