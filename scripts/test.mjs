// `npm test`: every check and every test of the project, in one run (DESIGN.md §9, style.md "What to absorb" 12).
// Steps run in order and all of them run even after a failure, so one report shows everything. Counting:
//   - a check step (type-check, lint, format) counts as 1 passed or 1 failed;
//   - a test runner (vitest, pytest, Playwright) counts each test from its machine-readable report; a runner that
//     fails without a failed test in its report (crash, unhandled error, missing report) adds 1 failed;
//   - skipped tests are listed with their reason and counted as skipped, never as passed.
// The last line is exactly `N passed, N failed` (plus `, N skipped` when any); the exit code is 1 on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const { countJunit, countPlaywright, countVitest } = await import('./test-counts.ts');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(root, 'test-results');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const totals = { passed: 0, failed: 0, skipped: 0 };
const skippedTests = [];
const failedSteps = [];

function run(command, args) {
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.error) console.error(`  could not run ${command}: ${result.error.message}`);
  return { code: result.error ? 127 : (result.status ?? 1), seconds };
}

function banner(name) {
  console.log(`\n━━ ${name} ${'━'.repeat(Math.max(0, 70 - name.length))}`);
}

function checkStep(name, command, args) {
  banner(name);
  const { code, seconds } = run(command, args);
  if (code === 0) totals.passed += 1;
  else {
    totals.failed += 1;
    failedSteps.push(name);
  }
  console.log(`── ${name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${seconds}s`);
}

/** `count(report)` returns {passed, failed, skipped: [{title, reason}]} or throws when the report is unusable. */
function runnerStep(name, command, args, reportFile, count) {
  banner(name);
  rmSync(reportFile, { force: true });
  const { code, seconds } = run(command, args);
  let counted;
  try {
    counted = count(readFileSync(reportFile, 'utf8'), code);
  } catch (error) {
    console.error(`  no usable report at ${path.relative(root, reportFile)}: ${error.message}`);
    counted = { passed: 0, failed: 0, skipped: [] };
  }
  totals.passed += counted.passed;
  totals.failed += counted.failed;
  totals.skipped += counted.skipped.length;
  for (const test of counted.skipped) skippedTests.push({ runner: name, ...test });
  if (code !== 0 && counted.failed === 0) {
    totals.failed += 1;
    failedSteps.push(`${name} (exit ${code} without a failed test: crash, unhandled error or missing report)`);
  } else if (counted.failed > 0) {
    failedSteps.push(`${name} (${counted.failed} failed)`);
  }
  const summary = `${counted.passed} passed, ${counted.failed} failed, ${counted.skipped.length} skipped`;
  console.log(`── ${name}: ${summary} (exit ${code}) in ${seconds}s`);
}

function hasPythonTests(dir) {
  if (!existsSync(dir)) return false;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === '__pycache__') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && hasPythonTests(full)) return true;
    if (entry.isFile() && /^test_.*\.py$/.test(entry.name)) return true;
  }
  return false;
}

mkdirSync(results, { recursive: true });

checkStep('typecheck: tsc (Node code)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
checkStep('typecheck: tsc (Electron shell + preload)', bin('tsc'), ['-p', 'tsconfig.electron.json', '--noEmit']);
checkStep('typecheck: svelte-check (renderer)', bin('svelte-check'), [
  '--tsconfig',
  'renderer/tsconfig.json',
  '--fail-on-warnings',
  '--output',
  'human',
]);
checkStep('lint: eslint', bin('eslint'), ['.']);
checkStep('format: prettier --check', bin('prettier'), ['--check', '.', '--log-level', 'warn']);

const vitestReport = path.join(results, 'vitest.json');
runnerStep(
  'unit: vitest',
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`],
  vitestReport,
  (text) => countVitest(text, (file) => path.relative(root, file)),
);

if (hasPythonTests(path.join(root, 'tools'))) {
  const junit = path.join(results, 'pytest.xml');
  runnerStep(
    'python: pytest tools',
    python,
    ['-m', 'pytest', 'tools', '-q', '--color=no', `--junitxml=${junit}`],
    junit,
    countJunit,
  );
} else {
  console.log('\n── python: no tools/**/test_*.py yet, nothing to run');
}

runnerStep('e2e: playwright', bin('playwright'), ['test'], path.join(results, 'playwright.json'), countPlaywright);

console.log('\n━━ summary ' + '━'.repeat(61));
for (const test of skippedTests)
  console.log(`SKIPPED ${test.runner}: ${test.title} — ${test.reason || 'no reason given'}`);
for (const step of failedSteps) console.log(`FAILED  ${step}`);
const skippedPart = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skippedPart}`);
process.exitCode = totals.failed > 0 ? 1 : 0;
