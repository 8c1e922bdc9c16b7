/// <reference lib="dom" />
/**
 * The fine-tune panel in Debian's Chromium against the browser host (issue #10 Must show): the button starts the
 * job, progress and the loss curve appear, the before/after figures are shown, search results change, and the
 * rollback button restores the previous results exactly. Library made by the test: 20 food emoji from the
 * installed emoji-datasource-google package with two captions each, embedded with the tiny random-weight bundle
 * (plumbing: the recall figures are chance level, not a claim about fine-tuning).
 */
import path from 'node:path';
import { ImportSession } from '../../main/engine/ingest/import-session';
import {
  apiCall,
  expect,
  freshDir,
  serveLibrary,
  shot,
  test,
  TINY_BUNDLE,
  type UiHost,
  writeFoodEmojiPairs,
} from './ui-fixtures';

async function buildLibrary(dir: string): Promise<string> {
  const pairs = writeFoodEmojiPairs(dir, 20, (names) => names.map((name) => [name, `an emoji of ${name}`]));
  const lib = path.join(dir, 'lib');
  const session = await ImportSession.open({ library: lib, bundleDir: TINY_BUNDLE });
  try {
    const s = await session.ingest.finished(session.ingest.importPairs(pairs));
    if (s.pairsImported !== 40) throw new Error(`expected 40 pairs, got ${s.pairsImported}`);
  } finally {
    await session.close();
  }
  return lib;
}

const results = async (host: UiHost) =>
  (
    (await apiCall(host, 'search.query', { text: 'an emoji of a red apple', limit: 10 })) as {
      items: Array<{ path: string; score: number }>;
    }
  ).items;

test.describe('fine-tune panel', () => {
  let host: UiHost;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    host = await serveLibrary(await buildLibrary(freshDir('ui-finetune-library')), TINY_BUNDLE);
  });
  test.afterAll(async () => {
    await host?.host.close();
  });

  test('the button fine-tunes with a live loss curve and before/after figures; rollback restores results exactly', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const before = await results(host);
    await page.goto(host.url);
    await page.getByTestId('finetune-link').click();
    const panel = page.getByTestId('finetune-panel');
    await expect(panel.getByTestId('finetune-versions').locator('li')).toHaveCount(1);
    await panel.getByTestId('finetune-start').click();
    await expect(panel.getByTestId('finetune-progress')).toContainText(/Step \d+ \/ \d+/);
    await expect(panel.getByTestId('finetune-recall')).toBeVisible({ timeout: 60_000 });
    await expect(panel.getByTestId('finetune-progress')).toHaveText(/Step (\d+) \/ \1$/);
    const total = Number((await panel.getByTestId('finetune-progress').textContent())!.match(/\/ (\d+)/)![1]);
    const points = (await panel.getByTestId('finetune-curve').getAttribute('points'))!.trim().split(' ');
    expect(points.length).toBe(total);
    await expect(panel.getByTestId('finetune-recall').locator('tbody tr')).toHaveCount(4);
    await expect(panel.getByTestId('finetune-versions').locator('li')).toHaveCount(2);
    await shot(page, 'finetune-panel');

    const after = await results(host);
    expect(after.map((h) => h.score)).not.toEqual(before.map((h) => h.score));

    await panel.getByTestId('finetune-rollback').click();
    await expect(panel.getByTestId('finetune-message')).toHaveText('Active version: tiny-albef');
    expect(await results(host)).toEqual(before);
  });

  test('a library of 5 pairs: the button is refused with the message saying what is needed', async ({ page }) => {
    test.setTimeout(120_000);
    const dir = freshDir('ui-finetune-small');
    const pairs = writeFoodEmojiPairs(dir, 5, (names) => names.map((name) => [name]));
    const lib = path.join(dir, 'lib');
    const session = await ImportSession.open({ library: lib, bundleDir: TINY_BUNDLE });
    try {
      await session.ingest.finished(session.ingest.importPairs(pairs));
    } finally {
      await session.close();
    }
    const small = await serveLibrary(lib, TINY_BUNDLE);
    try {
      await page.goto(small.url);
      await page.getByTestId('finetune-link').click();
      const panel = page.getByTestId('finetune-panel');
      await panel.getByTestId('finetune-start').click();
      await expect(panel.getByTestId('finetune-message')).toHaveText(
        'Fine-tuning needs at least 32 image–caption pairs that are not rejected; this library has 5 (0 rejected). Import or confirm more pairs.',
      );
      await expect(panel.getByTestId('finetune-versions').locator('li')).toHaveCount(1);
    } finally {
      await small.host.close();
    }
  });
});
