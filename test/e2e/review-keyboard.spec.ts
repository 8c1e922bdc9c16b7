/// <reference lib="dom" />
/**
 * The review panel in Debian's Chromium against the browser host (issue #9): ten pairs reviewed with the keyboard
 * only — confirm, reject, suggestion 2, edit, skip, undo (u and Ctrl+Z) — then the correction events stored in the
 * library are read back through the API and must match the keystrokes exactly. The library is made by the test:
 * 14 emoji from the installed emoji-datasource-google package, four with swapped captions, scored with the tiny
 * random-weight bundle (plumbing: the order is the bundle's, not a semantic claim).
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { curationFor } from '../../main/engine/curate/library-curation';
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

async function buildReviewLibrary(dir: string): Promise<string> {
  // Four swapped captions (a cyclic shift among pairs 2, 5, 8, 11), as datasets.md's swap noise does.
  const pairs = writeFoodEmojiPairs(dir, 14, (names) => {
    const takeFrom = new Map([
      [2, 5],
      [5, 8],
      [8, 11],
      [11, 2],
    ]);
    return names.map((name, i) => [names[takeFrom.get(i) ?? i] ?? name]);
  });
  const lib = path.join(dir, 'lib');
  const session = await ImportSession.open({ library: lib, bundleDir: TINY_BUNDLE });
  try {
    const s = await session.ingest.finished(session.ingest.importPairs(pairs));
    if (s.pairsImported !== 14) throw new Error(`expected 14 pairs, got ${s.pairsImported}`);
    const job = (await curationFor(session)).ensureScored();
    if (job === null || (await session.ingest.runner.wait(job)).state !== 'done') throw new Error('scoring failed');
  } finally {
    await session.close();
  }
  return lib;
}

interface Shown {
  captionId: number;
  caption: string;
  suggestions: string[];
}

async function shown(page: Page): Promise<Shown> {
  const current = page.getByTestId('review-current');
  return {
    captionId: Number(await current.getAttribute('data-caption-id')),
    caption: (await page.getByTestId('review-caption').textContent())!.trim(),
    suggestions: (await page.getByTestId('review-suggestions').locator('li .text').allTextContents()).map((t) =>
      t.trim(),
    ),
  };
}

test.describe('review panel', () => {
  let host: UiHost;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    host = await serveLibrary(await buildReviewLibrary(freshDir('ui-review-library')), TINY_BUNDLE);
  });
  test.afterAll(async () => {
    await host?.host.close();
  });

  test('ten pairs reviewed with the keyboard only; the stored correction events match the keystrokes', async ({
    page,
  }) => {
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(host.url);
    // Reach the panel from the sidebar with the keyboard.
    await page.getByTestId('review-link').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('review-counts')).toHaveText('14 to review · 14 of 14 pairs scored');
    await expect(page.getByTestId('review-suggestions').locator('li')).toHaveCount(5);
    await shot(page, 'review-panel');
    await page.keyboard.press('?');
    await expect(page.getByTestId('review-help')).toBeVisible();
    await shot(page, 'review-help');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('review-help')).toHaveCount(0);

    const message = page.getByTestId('review-message');
    type Expected = [number, string, string, string, string | null, string | null, number | null];
    const expected: Expected[] = []; // captionId, action, oldText, newText, oldState, newState, suggestion
    const reviewed = new Set<number>();
    const step = async (key: string, msg: (s: Shown) => string, event: (s: Shown) => Expected | null) => {
      const s = await shown(page);
      await page.keyboard.press(key);
      await expect(message).toHaveText(msg(s));
      const e = event(s);
      if (e) expected.push(e);
      return s;
    };
    const confirm = (key: string) =>
      step(
        key,
        (s) => `Confirmed: “${s.caption}”`,
        (s) => (
          reviewed.add(s.captionId),
          [s.captionId, 'accept', s.caption, s.caption, 'unreviewed', 'accepted', null]
        ),
      );
    const reject = () =>
      step(
        'x',
        (s) => `Rejected: “${s.caption}”`,
        (s) => (
          reviewed.add(s.captionId),
          [s.captionId, 'reject', s.caption, s.caption, 'unreviewed', 'rejected', null]
        ),
      );
    const pick2 = () =>
      step(
        '2',
        (s) => `Replaced: “${s.suggestions[1]}”`,
        (s) => (
          reviewed.add(s.captionId),
          [s.captionId, 'suggest', s.caption, s.suggestions[1]!, 'unreviewed', 'corrected', 2]
        ),
      );
    const undoLast = async (key: string) => {
      const last = expected[expected.length - 1]!;
      await page.keyboard.press(key);
      await expect(message).toHaveText(`Undid ${last[1]} of “${last[2]}”`);
      expected.push([last[0], 'undo', last[3], last[2], last[5], last[4], null]);
      reviewed.delete(last[0]);
      // The undone pair is back at its place in the queue, and shows its old caption again.
      await expect(page.getByTestId('review-caption')).toHaveText(last[2]);
    };

    await confirm('Enter'); // 1
    await reject(); // 2
    await pick2(); // 3
    // 4: edit — e opens the field with the caption selected; typing replaces it, Enter saves.
    const edited = await shown(page);
    await page.keyboard.press('e');
    await expect(page.getByTestId('review-edit')).toBeFocused();
    await page.keyboard.type('a plate of something else');
    await shot(page, 'review-edit');
    await page.keyboard.press('Enter');
    await expect(message).toHaveText('Edited: “a plate of something else”');
    expected.push([
      edited.captionId,
      'edit',
      edited.caption,
      'a plate of something else',
      'unreviewed',
      'corrected',
      null,
    ]);
    reviewed.add(edited.captionId);
    await confirm('c'); // 5
    await undoLast('u'); // 5 undone: the same pair is on top again
    await reject(); // 5 again, rejected this time
    // skip: the pair goes to the end of the queue and is not reviewed
    const skipped = await step(
      's',
      (s) => `Skipped: “${s.caption}”`,
      (s) => [s.captionId, 'skip', s.caption, s.caption, 'unreviewed', 'unreviewed', null],
    );
    expect((await shown(page)).captionId).not.toBe(skipped.captionId);
    await pick2(); // 6
    await undoLast('Control+z'); // 6 undone
    await confirm('Enter'); // 6 again
    await reject(); // 7
    await pick2(); // 8
    await confirm('c'); // 9
    await reject(); // 10
    expect(reviewed.size).toBe(10);
    await expect(page.getByTestId('review-counts')).toHaveText('4 to review · 14 of 14 pairs scored');
    await shot(page, 'review-after-ten');

    const { events } = (await apiCall(host, 'review.events', {})) as {
      events: Array<{
        captionId: number;
        action: string;
        oldText: string;
        newText: string;
        oldState: string | null;
        newState: string | null;
        suggestion: number | null;
        undoes: number | null;
        id: number;
      }>;
    };
    expect(
      events.map((e) => [e.captionId, e.action, e.oldText, e.newText, e.oldState, e.newState, e.suggestion]),
    ).toEqual(expected);
    // Each undo points at the event it reversed (the one just before it).
    for (const [i, e] of events.entries()) if (e.action === 'undo') expect(e.undoes).toBe(events[i - 1]!.id);
    expect(errors, 'CSP violations or script errors').toEqual([]);
  });
});
