import { expect, test } from './fixtures';

test.describe('app shell in Chromium against the browser host', () => {
  test('loads the UI and shows app info fetched through the contract', async ({ page, browserHost }) => {
    // Script errors and CSP violations only: with no library open, library calls answer 422 by design, which
    // Chromium also logs as console errors ("Failed to load resource").
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(message.text());
    });
    await page.goto(browserHost.url);
    await expect(page).toHaveTitle('Pairscope');
    await expect(page.getByLabel('Search')).toBeVisible();
    await expect(page.getByTestId('transport')).toHaveText('transport: http');
    await expect(page.getByTestId('app-info')).toContainText('Pairscope 0.1.0 · node');
    await expect(page.getByTestId('library-path')).toHaveText('No library open');
    await expect(page.getByTestId('events-indicator')).toHaveAttribute('data-state', 'open');
    expect(problems, 'CSP violations or script errors').toEqual([]);
  });

  test('round-trips app.ping from the button and receives the app.pinged event', async ({ page, browserHost }) => {
    await page.goto(browserHost.url);
    const indicator = page.getByTestId('events-indicator');
    await expect(indicator).toHaveAttribute('data-state', 'open');
    await expect(indicator).toHaveAttribute('data-count', '0');
    await page.getByRole('button', { name: 'Check connection' }).click();
    await expect(page.getByTestId('ping-reply')).toContainText('Reply: “hello from the http client”');
    await expect(indicator).toHaveAttribute('data-count', '1');
    await expect(indicator).toContainText('last app.pinged');
  });

  test('shows an event caused by another client (pushed by the server, not a reply)', async ({
    page,
    request,
    browserHost,
  }) => {
    await page.goto(browserHost.url);
    const indicator = page.getByTestId('events-indicator');
    await expect(indicator).toHaveAttribute('data-state', 'open');
    const before = Number(await indicator.getAttribute('data-count'));
    const response = await request.post(`${browserHost.origin}/api/app.ping`, {
      headers: { Authorization: `Bearer ${browserHost.token}` },
      data: { message: 'from another client' },
    });
    expect(response.status()).toBe(200);
    await expect(indicator).toHaveAttribute('data-count', String(before + 1));
    await page.screenshot({ path: 'test-results/screenshots/app-shell.png', fullPage: true });
  });

  test('explains itself when opened without the token', async ({ page, browserHost }) => {
    const response = await page.goto(`${browserHost.origin}/`);
    expect(response?.status()).toBe(401);
    expect(await response?.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });
});
