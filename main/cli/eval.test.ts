import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { command } from './eval';

/*
 * `pairscope eval` against M's Python evaluation (tools/albef/evaluate.py) of the same tiny model on the same
 * manifest (test/fixtures/pipeline-parity/eval-reference.py → eval-tiny.json). Issue #5: within 0.5 points.
 */
const ROOT = path.resolve(__dirname, '../..');
const FIX = path.join(ROOT, 'test/fixtures/pipeline-parity');
type PyRecalls = { 'R@1': number; 'R@5': number; 'R@10': number };
const python = (
  JSON.parse(readFileSync(path.join(FIX, 'eval-tiny.json'), 'utf8')) as {
    results: Record<
      string,
      {
        images: number;
        texts: number;
        itc: { i2t: PyRecalls; t2i: PyRecalls };
        itm: { i2t: PyRecalls; t2i: PyRecalls };
      }
    >;
  }
).results['eval-manifest.jsonl']!;

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await command.run(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, out, err };
}

describe('pairscope eval', () => {
  it('reproduces the Python evaluation figures (ITC and ITM@4, both directions) within 0.5 points', async () => {
    const { code, out } = await run([
      '--bundle',
      path.join(ROOT, 'test/fixtures/tiny-albef'),
      '--manifest',
      path.join(FIX, 'eval-manifest.jsonl'),
      '--k-test',
      '4',
      '--json',
      '--threads',
      '2',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(out[0]!) as {
      itc: Record<'i2t' | 't2i', { r1: number; r5: number; r10: number }>;
      itm: Record<'i2t' | 't2i', { r1: number; r5: number; r10: number }>;
      n: { images: number; texts: number };
      aliproducts: number;
      skipped: string[];
    };
    expect(report.n).toEqual({ images: python.images, texts: python.texts });
    expect(report.skipped).toEqual([]);
    for (const kind of ['itc', 'itm'] as const) {
      for (const dir of ['i2t', 't2i'] as const) {
        const py = python[kind][dir];
        const ts = report[kind][dir];
        expect(Math.abs(100 * ts.r1 - py['R@1']), `${kind} ${dir} R@1`).toBeLessThan(0.5);
        expect(Math.abs(100 * ts.r5 - py['R@5']), `${kind} ${dir} R@5`).toBeLessThan(0.5);
        expect(Math.abs(100 * ts.r10 - py['R@10']), `${kind} ${dir} R@10`).toBeLessThan(0.5);
      }
    }
    expect(report.aliproducts).toBeCloseTo((report.itm.t2i.r5 + report.itm.t2i.r10) / 2, 10);
  });

  it('with --no-itm reports ITC only and scores AliProducts on the ITC ranking', async () => {
    const args = [
      '--bundle',
      path.join(ROOT, 'test/fixtures/tiny-albef'),
      '--manifest',
      path.join(FIX, 'eval-manifest.jsonl'),
    ];
    const { code, out } = await run([...args, '--no-itm', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out[0]!) as {
      itm?: unknown;
      itc: { t2i: { r5: number; r10: number } };
      aliproducts: number;
    };
    expect(report.itm).toBeUndefined();
    expect(100 * report.itc.t2i.r10).toBeCloseTo(python.itc.t2i['R@10'], 1);
    expect(report.aliproducts).toBeCloseTo((report.itc.t2i.r5 + report.itc.t2i.r10) / 2, 10);
  });

  it('refuses a missing --manifest as a usage error', async () => {
    await expect(run([])).rejects.toThrow('--manifest is required');
  });
});

/*
 * The bundled model on the real emoji test manifests (data/emoji, built by tools/dataset) against M's Python
 * evaluation of the checkpoint the bundle was exported from (test/fixtures/pipeline-parity/bundled-reference.sh
 * → eval-albef-emoji-small.json). Skipped, and reported as skipped, where the bundle or the data is absent.
 */
const BUNDLED_REF = path.join(FIX, 'eval-albef-emoji-small.json');
const BUNDLED = path.join(ROOT, 'resources/models/albef-emoji-small');
const bundledRef = existsSync(BUNDLED_REF)
  ? (JSON.parse(readFileSync(BUNDLED_REF, 'utf8')) as {
      k_test: number;
      manifests: Record<string, string>;
      results: Record<string, { itc: { i2t: PyRecalls; t2i: PyRecalls }; itm: { i2t: PyRecalls; t2i: PyRecalls } }>;
    })
  : undefined;
const bundledCases = Object.entries(bundledRef?.manifests ?? {}).map(([name, rel]) => ({
  name,
  file: path.join(ROOT, rel),
}));
const canRunBundled =
  bundledRef !== undefined &&
  existsSync(path.join(BUNDLED, 'manifest.json')) &&
  bundledCases.every((c) => existsSync(c.file));

describe.skipIf(!canRunBundled)('pairscope eval on the bundled model', () => {
  it('reproduces the Python figures on every emoji test manifest within 0.5 points', async () => {
    for (const { name, file } of bundledCases) {
      const args = ['--bundle', BUNDLED, '--manifest', file, '--k-test', String(bundledRef!.k_test), '--json'];
      const { code, out } = await run(args);
      expect(code).toBe(0);
      const report = JSON.parse(out[0]!) as Record<
        'itc' | 'itm',
        Record<'i2t' | 't2i', Record<'r1' | 'r5' | 'r10', number>>
      >;
      const py = bundledRef!.results[name]!;
      const rows: string[] = [];
      for (const kind of ['itc', 'itm'] as const) {
        for (const dir of ['i2t', 't2i'] as const) {
          for (const k of [1, 5, 10] as const) {
            const ts = 100 * report[kind][dir][`r${k}`];
            const want = py[kind][dir][`R@${k}`];
            rows.push(`${kind} ${dir} R@${k}: ${ts.toFixed(2)} vs ${want}`);
            expect(Math.abs(ts - want), `${name} ${kind} ${dir} R@${k}`).toBeLessThan(0.5);
          }
        }
      }
      console.log(`pairscope eval vs Python on ${name}:\n  ${rows.join('\n  ')}`);
    }
  }, 900_000);
});
