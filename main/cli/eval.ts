/** `pairscope eval`: retrieval recall of a bundle on a JSONL manifest (spec §1.9; model runtime, helper R). */
import path from 'node:path';
import { type CliCommand, CliUsageError, integerOption, parseCommandArgs } from '../cli-command';
import { DEFAULT_BUNDLE } from './embed';

export const command: CliCommand = {
  name: 'eval',
  summary: 'image↔text retrieval recall (ITC and ITM re-rank) of a bundle on a JSONL manifest',
  usage: `Usage: pairscope eval --manifest FILE.jsonl [--bundle DIR] [--k-test K] [--no-itm] [--keep-flags] [--json] [--threads N]

Rows are {"image" (relative to the manifest), "caption", "id"}; an image and a caption match when their ids
are equal. The gallery is every row's image, the texts are the distinct (id, caption) pairs (same protocol as
tools/albef/evaluate.py). Prints R@1/5/10 as fractions for image→text (i2t) and text→image (t2i), by ITC
cosine and after ITM re-rank of the ITC top-k, plus the AliProducts score (mean t2i R@5, R@10).
  --bundle DIR    model bundle (default: resources/models/albef-emoji-small)
  --k-test K      candidates re-ranked by ITM per query (default: the bundle's itm.k_test)
  --no-itm        ITC only
  --keep-flags    keep rows with "group": "flags" (dropped by default, like the Python evaluation)
  --json          print the report as one JSON object

Example: pairscope eval --manifest data/emoji/test_fluent_seen.jsonl --json`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      bundle: { type: 'string' },
      manifest: { type: 'string' },
      'k-test': { type: 'string' },
      'no-itm': { type: 'boolean' },
      'keep-flags': { type: 'boolean' },
      json: { type: 'boolean' },
      threads: { type: 'string' },
    });
    if (positionals.length > 0) throw new CliUsageError(`unexpected "${positionals[0]}"`);
    if (!values.manifest) throw new CliUsageError('--manifest is required');
    const kTestOption = integerOption('k-test', values['k-test'], 1, 100_000);
    const threads = integerOption('threads', values.threads, 1, 1024);
    const { Embedder } = await import('../engine/model/embedder');
    const { readEvalManifest } = await import('../engine/model/retrieval-eval');
    const { evaluateManifest } = await import('../engine/model/evaluate-bundle');
    const rows = await readEvalManifest(values.manifest, { dropGroups: values['keep-flags'] ? [] : ['flags'] });
    if (rows.length === 0) throw new Error(`${values.manifest}: no rows to evaluate`);
    const embedder = await Embedder.open(path.resolve(values.bundle ?? DEFAULT_BUNDLE), threads ? { threads } : {});
    try {
      const report = await evaluateManifest(embedder, rows, {
        kTest: kTestOption ?? embedder.bundle.manifest.itm.k_test,
        itm: !values['no-itm'],
        log: (line) => io.stderr(`eval: ${line}`),
      });
      for (const s of report.skipped) io.stderr(`eval: skipped ${s}`);
      if (values.json)
        io.stdout(JSON.stringify({ bundle: embedder.bundle.manifest.name, manifest: values.manifest, ...report }));
      else {
        const fmt = (r: { r1: number; r5: number; r10: number }) =>
          `R@1 ${pct(r.r1)}  R@5 ${pct(r.r5)}  R@10 ${pct(r.r10)}`;
        io.stdout(
          `${embedder.bundle.manifest.name} on ${values.manifest}: ${report.n.images} images, ${report.n.texts} texts`,
        );
        io.stdout(`  ITC  i2t ${fmt(report.itc.i2t)} | t2i ${fmt(report.itc.t2i)}`);
        if (report.itm) io.stdout(`  ITM@${report.itm.k_test} i2t ${fmt(report.itm.i2t)} | t2i ${fmt(report.itm.t2i)}`);
        io.stdout(`  AliProducts score (mean t2i R@5, R@10): ${pct(report.aliproducts)}`);
      }
    } finally {
      await embedder.dispose();
    }
    return 0;
  },
};

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}
