/** `pairscope versions`: a library's model versions, the active one marked (issue #10). */
import path from 'node:path';
import { type CliCommand, existingLibraryOption, parseCommandArgs } from '../cli-command';
import { defaultBundleDir } from '../project-paths';

export const command: CliCommand = {
  name: 'versions',
  summary: 'list a library’s model versions (the bundle’s and each fine-tune), the active one marked',
  usage: `Usage: pairscope versions --library L [--model B] [--json]

  --library L     library folder (or .pairscope file)
  --model B       model bundle (default: resources/models/albef-emoji-small)
  --json          one JSON array [{id, name, parentId, createdAt, active, before?, after?}]

Example: pairscope versions --library ~/pairscope-lib`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      library: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean' },
    });
    const { dbFile } = await existingLibraryOption(values.library);
    const { LibraryVersions } = await import('../engine/train/library-versions');
    const versions = LibraryVersions.open(dbFile, values.model ? path.resolve(values.model) : defaultBundleDir);
    try {
      const list = versions.list();
      if (values.json) io.stdout(JSON.stringify(list));
      else
        for (const v of list) {
          const recall = v.after
            ? `  held-out t2i R@1 ${v.before!.t2i.r1.toFixed(3)} → ${v.after.t2i.r1.toFixed(3)}`
            : '';
          io.stdout(`${v.active ? '*' : ' '} ${v.name}  (${new Date(v.createdAt).toISOString()})${recall}`);
        }
      return 0;
    } finally {
      versions.close();
    }
  },
};
