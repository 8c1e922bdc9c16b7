/**
 * End-to-end tests (DESIGN.md §9): Debian's Chromium driven by Playwright against the browser host, plus one
 * Electron test where the Electron binary exists. Artefacts (screenshots, traces) go under test-results/.
 */
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

const chromium = process.env.PAIRSCOPE_CHROMIUM ?? '/usr/bin/chromium';
// One artefact folder per run: Playwright empties its outputDir when a run starts, and several people (or
// agents) running e2e tests in one checkout must not delete each other's traces mid-test. The runner sets the
// stamp once; its workers inherit it through the environment and so agree on the folder.
process.env.PAIRSCOPE_E2E_RUN ??= new Date().toISOString().replace(/[:.]/g, '-');

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: `test-results/e2e/${process.env.PAIRSCOPE_E2E_RUN}`,
  globalSetup: './test/e2e/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    browserName: 'chromium',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      ...(existsSync(chromium) ? { executablePath: chromium } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
