/** `pairscope rollback`: make an earlier model version the active one again (issue #10). */
import path from 'node:path';
import { type CliCommand, CliUsageError, existingLibraryOption, parseCommandArgs } from '../cli-command';
import { defaultBundleDir } from '../project-paths';

export const command: CliCommand = {
  name: 'rollback',
  summary: 'switch a library back to an earlier model version (its stored embeddings; nothing recomputed)',
  usage: `Usage: pairscope rollback --library L --to V [--model B] [--json]

  --library L     library folder (or .pairscope file)
  --to V          version name or id (see pairscope versions)
  --model B       model bundle (default: resources/models/albef-emoji-small)
  --json          print {id, name} of the now active version

Example: pairscope rollback --library ~/pairscope-lib --to albef-emoji-small`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      library: { type: 'string' },
      to: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean' },
    });
    const { dbFile } = await existingLibraryOption(values.library);
    if (!values.to) throw new CliUsageError('--to is required');
    const { LibraryVersions } = await import('../engine/train/library-versions');
    const versions = LibraryVersions.open(dbFile, values.model ? path.resolve(values.model) : defaultBundleDir);
    try {
      const v = versions.rollback(values.to);
      if (values.json) io.stdout(JSON.stringify({ id: v.id, name: v.name }));
      else io.stdout(`active model version: ${v.name}`);
      return 0;
    } finally {
      versions.close();
    }
  },
};
