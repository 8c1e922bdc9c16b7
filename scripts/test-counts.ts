/**
 * Reading the machine-readable reports of the test runners into counts for scripts/test.mjs. Skipped tests are
 * returned with their reason and are never part of `passed` (DESIGN.md §9: a skipped test counted as a pass is a
 * defect).
 */
export interface SkippedTest {
  title: string;
  reason: string;
}

export interface RunnerCounts {
  passed: number;
  failed: number;
  skipped: SkippedTest[];
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults?: { name: string; assertionResults?: { status: string; fullName: string }[] }[];
}

/** Vitest's `--reporter=json` output. */
export function countVitest(text: string, relative: (file: string) => string = (f) => f): RunnerCounts {
  const report = JSON.parse(text) as VitestReport;
  if (typeof report.numPassedTests !== 'number') throw new Error('not a vitest JSON report');
  const skipped: SkippedTest[] = [];
  for (const file of report.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'skipped' || test.status === 'pending' || test.status === 'todo') {
        skipped.push({ title: `${relative(file.name)} › ${test.fullName}`, reason: test.status });
      }
    }
  }
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped };
}

/** pytest's `--junitxml` output: one <testsuite> with totals; <skipped message="…"> elements carry the reasons. */
export function countJunit(text: string): RunnerCounts {
  const suite = text.match(/<testsuite\b[^>]*>/);
  if (!suite) throw new Error('no <testsuite> element');
  const attr = (name: string) => Number(suite[0].match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? 0);
  const failed = attr('failures') + attr('errors');
  const skippedCount = attr('skipped');
  const skipped: SkippedTest[] = [];
  for (const m of text.matchAll(/<testcase\b([^>]*)>\s*<skipped\b([^>]*)/g)) {
    const field = (attrs: string, name: string) => attrs.match(new RegExp(`\\b${name}="([^"]*)"`))?.[1] ?? '';
    skipped.push({
      title: `${field(m[1] ?? '', 'classname')}::${field(m[1] ?? '', 'name')}`,
      reason: unescapeXml(field(m[2] ?? '', 'message')),
    });
  }
  while (skipped.length < skippedCount) skipped.push({ title: '(pytest test)', reason: 'skipped' });
  return { passed: attr('tests') - failed - skippedCount, failed, skipped };
}

interface PlaywrightSuite {
  title: string;
  specs?: { title: string; tests?: { status: string; annotations?: { type: string; description?: string }[] }[] }[];
  suites?: PlaywrightSuite[];
}

/** Playwright's JSON reporter output. Errors outside tests (e.g. a failing global setup) count as failures. */
export function countPlaywright(text: string): RunnerCounts {
  const report = JSON.parse(text) as {
    suites?: PlaywrightSuite[];
    stats?: { expected?: number; unexpected?: number; flaky?: number };
    errors?: unknown[];
  };
  if (!report.stats) throw new Error('not a Playwright JSON report');
  const skipped: SkippedTest[] = [];
  const visit = (suite: PlaywrightSuite, titles: string[]) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'skipped') continue;
        const notes = (test.annotations ?? []).filter(
          (a) => (a.type === 'skip' || a.type === 'fixme') && a.description,
        );
        skipped.push({
          title: [...titles, spec.title].join(' › '),
          reason: notes.map((a) => a.description).join('; '),
        });
      }
    }
    for (const child of suite.suites ?? []) visit(child, [...titles, child.title]);
  };
  for (const suite of report.suites ?? []) visit(suite, [suite.title]);
  const { expected = 0, unexpected = 0, flaky = 0 } = report.stats;
  return { passed: expected + flaky, failed: unexpected + (report.errors ?? []).length, skipped };
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
