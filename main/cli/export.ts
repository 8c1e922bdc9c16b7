/** `pairscope export`: the library's pairs, corrections applied, with review state (issue #7). */
import path from 'node:path';
import { type CliCommand, CliUsageError, parseCommandArgs } from '../cli-command';

export const command: CliCommand = {
  name: 'export',
  summary: 'export pairs (corrections applied, review state) as JSONL, CSV, COCO captions or ALBEF json',
  usage: `Usage: pairscope export --library L --format jsonl|csv|coco|albef [--skip-rejected] [--json] OUT

Writes every pair of the library: "caption" is the current text after corrections, "original_caption" the
imported one where they differ, "review_state" one of unreviewed/accepted/corrected/rejected. Image paths are
relative to OUT's folder when the images lie below it, absolute otherwise. The export reads one of the
library's own import formats back (pairscope import).
  --library L       library folder (or .pairscope file)
  --format F        jsonl | csv | coco | albef
  --skip-rejected   leave out pairs a person rejected
  --json            print {"pairs","images","out"} as one JSON line

Example: pairscope export --library ~/pairscope-lib --format coco curated.json`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      library: { type: 'string' },
      format: { type: 'string' },
      'skip-rejected': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const { EXPORT_FORMATS, exportPairs } = await import('../engine/ingest/pairs-export');
    if (!values.library) throw new CliUsageError('--library is required');
    const format = values.format as (typeof EXPORT_FORMATS)[number] | undefined;
    if (!format || !EXPORT_FORMATS.includes(format))
      throw new CliUsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
    if (positionals.length !== 1) throw new CliUsageError('name exactly one output file');
    const out = path.resolve(positionals[0]!);
    const { libraryFiles } = await import('../engine/ingest/import-session');
    const { existsSync } = await import('node:fs');
    const { dbFile } = libraryFiles(values.library);
    if (!existsSync(dbFile)) throw new Error(`no library at ${values.library} (expected ${dbFile})`);
    const { LibraryStore } = await import('../engine/store/library-store');
    const store = LibraryStore.open(dbFile);
    try {
      const r = await exportPairs(store, { format, out, skipRejected: values['skip-rejected'] ?? false });
      io.stdout(
        values.json ? JSON.stringify({ ...r, out }) : `${r.pairs} pairs of ${r.images} images written to ${out}`,
      );
      return 0;
    } finally {
      store.close();
    }
  },
};
