/** `pairscope eval`: retrieval recall of a bundle on a JSONL manifest (spec §1.9; model runtime, helper R). */
import path from 'node:path';
import { type CliCommand, CliUsageError, integerOption, parseCommandArgs } from '../cli-command';
import { DEFAULT_BUNDLE } from './embed';

export const command: CliCommand = {
  name: 'eval',
  summary: 'image↔text retrieval recall (ITC and ITM re-rank) of a bundle on a JSONL manifest',
  usage: `Usage: pairscope eval --manifest FILE.jsonl [--bundle DIR] [--library L [--model-version V]] [--k-test K] [--no-itm] [--keep-flags] [--json] [--threads N]

Rows are {"image" (relative to the manifest), "caption", "id"}; an image and a caption match when their ids
are equal. The gallery is every row's image, the texts are the distinct (id, caption) pairs (same protocol as
tools/albef/evaluate.py). Prints R@1/5/10 as fractions for image→text (i2t) and text→image (t2i), by ITC
cosine and after ITM re-rank of the ITC top-k, plus the AliProducts score (mean t2i R@5, R@10).
  --bundle DIR    model bundle (default: resources/models/albef-emoji-small)
  --library L     evaluate the library's ACTIVE model version (a fine-tune's heads over the bundle's encoders)
  --model-version V  with --library: that version instead of the active one
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
      library: { type: 'string' },
      'model-version': { type: 'string' },
    });
    if (values['model-version'] && !values.library) throw new CliUsageError('--model-version needs --library');
    if (positionals.length > 0) throw new CliUsageError(`unexpected "${positionals[0]}"`);
    if (!values.manifest) throw new CliUsageError('--manifest is required');
    const kTestOption = integerOption('k-test', values['k-test'], 1, 100_000);
    const threads = integerOption('threads', values.threads, 1, 1024);
    const { Embedder } = await import('../engine/model/embedder');
    const { readEvalManifest } = await import('../engine/model/retrieval-eval');
    const { evaluateManifest } = await import('../engine/model/evaluate-bundle');
    const rows = await readEvalManifest(values.manifest, { dropGroups: values['keep-flags'] ? [] : ['flags'] });
    if (rows.length === 0) throw new Error(`${values.manifest}: no rows to evaluate`);
    const bundleDir = path.resolve(values.bundle ?? DEFAULT_BUNDLE);
    // A library's model version (issue #10): its heads project the bundle's CLS features; read once, store closed.
    const version = values.library ? await versionHeads(values.library, bundleDir, values['model-version']) : null;
    const embedder = await Embedder.open(bundleDir, threads ? { threads } : {});
    try {
      const report = await evaluateManifest(embedder, rows, {
        kTest: kTestOption ?? embedder.bundle.manifest.itm.k_test,
        itm: !values['no-itm'],
        log: (line) => io.stderr(`eval: ${line}`),
        ...(version ? { project: version.project } : {}),
      });
      for (const s of report.skipped) io.stderr(`eval: skipped ${s}`);
      if (values.json)
        io.stdout(
          JSON.stringify({
            bundle: embedder.bundle.manifest.name,
            ...(version ? { modelVersion: version.name } : {}),
            manifest: values.manifest,
            ...report,
          }),
        );
      else {
        const fmt = (r: { r1: number; r5: number; r10: number }) =>
          `R@1 ${pct(r.r1)}  R@5 ${pct(r.r5)}  R@10 ${pct(r.r10)}`;
        io.stdout(
          `${version ? `${embedder.bundle.manifest.name} version ${version.name}` : embedder.bundle.manifest.name} on ${values.manifest}: ${report.n.images} images, ${report.n.texts} texts`,
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

/** The library's active version (or `name`): its name and, for a fine-tuned one, the projection through its heads. */
async function versionHeads(
  library: string,
  bundleDir: string,
  name: string | undefined,
): Promise<{
  name: string;
  project: { image: (cls: Float32Array) => Float32Array; text: (cls: Float32Array) => Float32Array };
}> {
  const { existsSync } = await import('node:fs');
  const { libraryFiles } = await import('../engine/ingest/import-session');
  const { LibraryVersions } = await import('../engine/train/library-versions');
  const { projectRows } = await import('../engine/train/heads');
  const { dbFile } = libraryFiles(library);
  if (!existsSync(dbFile)) throw new Error(`no library at ${library} (expected ${dbFile})`);
  const versions = LibraryVersions.open(dbFile, bundleDir);
  try {
    const v = name === undefined ? versions.active() : versions.store.modelVersions.byName(name);
    if (!v || versions.rootOf(v).name !== versions.bundleVersion)
      throw new CliUsageError(
        `no model version "${name}" of this bundle in ${library} (it has: ${versions
          .list()
          .map((x) => x.name)
          .join(', ')})`,
      );
    // The bundle's own version too goes through its heads (heads.safetensors), the same path as a fine-tuned one.
    const { heads } = versions.heads(v);
    return {
      name: v.name,
      project: {
        image: (cls) => projectRows(heads.vision, cls, 1),
        text: (cls) => projectRows(heads.text, cls, 1),
      },
    };
  } finally {
    versions.close();
  }
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}
