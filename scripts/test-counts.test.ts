import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countJunit, countPlaywright, countVitest } from './test-counts';

describe('countVitest', () => {
  it('counts passed and failed and lists skipped/todo tests without counting them as passed', () => {
    const report = {
      numPassedTests: 2,
      numFailedTests: 1,
      testResults: [
        {
          name: '/repo/main/a.test.ts',
          assertionResults: [
            { status: 'passed', fullName: 'a works' },
            { status: 'passed', fullName: 'a works again' },
            { status: 'failed', fullName: 'a breaks' },
            { status: 'skipped', fullName: 'a is skipped' },
            { status: 'todo', fullName: 'a is todo' },
          ],
        },
      ],
    };
    expect(countVitest(JSON.stringify(report), (f) => f.replace('/repo/', ''))).toEqual({
      passed: 2,
      failed: 1,
      skipped: [
        { title: 'main/a.test.ts › a is skipped', reason: 'skipped' },
        { title: 'main/a.test.ts › a is todo', reason: 'todo' },
      ],
    });
  });

  it('refuses a file that is not a vitest report', () => {
    expect(() => countVitest('{}')).toThrow('not a vitest JSON report');
  });
});

describe('countPlaywright', () => {
  it('counts expected as passed, unexpected and global errors as failed, and keeps skip reasons', () => {
    const report = {
      stats: { expected: 5, unexpected: 1, flaky: 0, skipped: 1 },
      errors: [{ message: 'global setup failed' }],
      suites: [
        {
          title: 'electron.spec.ts',
          specs: [
            {
              title: 'the Electron app opens',
              tests: [
                { status: 'skipped', annotations: [{ type: 'skip', description: 'Electron cannot run here: x' }] },
              ],
            },
          ],
        },
      ],
    };
    expect(countPlaywright(JSON.stringify(report))).toEqual({
      passed: 5,
      failed: 2,
      skipped: [{ title: 'electron.spec.ts › the Electron app opens', reason: 'Electron cannot run here: x' }],
    });
  });
});

describe('countJunit', () => {
  it('reads a real pytest --junitxml report: passes, failures, errors and skips with reasons', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pairscope-junit-'));
    try {
      writeFileSync(
        path.join(dir, 'test_probe.py'),
        [
          'import pytest',
          'def test_ok(): assert 1 == 1',
          'def test_also_ok(): assert True',
          'def test_bad(): assert 1 == 2',
          '@pytest.fixture',
          'def broken(): raise RuntimeError("setup")',
          'def test_error(broken): pass',
          '@pytest.mark.skip(reason="needs <a GPU> & CUDA")',
          'def test_skipped(): pass',
          '',
        ].join('\n'),
      );
      const xml = path.join(dir, 'report.xml');
      try {
        // Own rootdir and cwd: pytest derives the classname from the rootdir, which otherwise depends on where
        // the suite runs.
        execFileSync(
          '/usr/bin/python3',
          ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', `--rootdir=${dir}`, `--junitxml=${xml}`, dir],
          { cwd: dir, stdio: 'ignore' },
        );
      } catch {
        // pytest exits 1 because test_bad fails; the report is what we read.
      }
      expect(countJunit(readFileSync(xml, 'utf8'))).toEqual({
        passed: 2,
        failed: 2,
        skipped: [{ title: 'test_probe::test_skipped', reason: 'needs <a GPU> & CUDA' }],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file without a <testsuite>', () => {
    expect(() => countJunit('<html/>')).toThrow('no <testsuite> element');
  });
});
