/** `pairscope salvage`: copy every readable row of a damaged library into a new one (DESIGN.md §8). */
import path from 'node:path';
import { type CliCommand, CliUsageError, parseCommandArgs } from '../cli-command';

export const command: CliCommand = {
  name: 'salvage',
  summary: 'copy the readable rows of a damaged (truncated, corrupt) library into a new library file',
  usage: `Usage: pairscope salvage --from DAMAGED --to NEW [--json]

Reads DAMAGED (never writing to it) and writes every row that can still be read into the new library NEW;
the search indexes are rebuilt from the salvaged vectors when NEW is opened.
  --json   print the per-table report as JSON

Example: pairscope salvage --from photos.pairscope --to photos-salvaged.pairscope`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new CliUsageError(`unexpected "${positionals[0]}"`);
    if (!values.from || !values.to) throw new CliUsageError('--from and --to are required');
    const { salvageLibrary } = await import('../engine/store/salvage');
    const report = salvageLibrary(path.resolve(values.from), path.resolve(values.to));
    if (values.json) io.stdout(JSON.stringify(report));
    else {
      for (const [table, t] of Object.entries(report.tables)) {
        io.stdout(
          `${table.padEnd(16)} ${String(t.copied).padStart(9)} rows copied` +
            (t.unreadableRegions ? `, ${t.unreadableRegions} unreadable region(s) skipped` : '') +
            (t.orphansDropped ? `, ${t.orphansDropped} row(s) whose parent was lost` : ''),
        );
      }
    }
    return 0;
  },
};
