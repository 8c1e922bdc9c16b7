/** `pairscope search`: cross-modal search of a library from the command line (issue #6), JSON in rank order. */
import path from 'node:path';
import {
  bundleOption,
  type CliCommand,
  CliUsageError,
  existingLibraryOption,
  integerOption,
  parseCommandArgs,
} from '../cli-command';

export const command: CliCommand = {
  name: 'search',
  summary: 'search a library by text, image or both; prints results in rank order',
  usage: `Usage: pairscope search --library L (--text "..." | --image FILE | --like PATH) [options]

  --library L         the library: a folder (as made by pairscope import) or a .pairscope file
  --text T            words to search for
  --image FILE        an image file (need not be in the library)
  --like PATH         an image already in the library (its stored embedding is used)
  --negative T        push results away from these words
  --captions          return captions of the library's pairs instead of images
  --folder DIR        only files under DIR           --kind K      only this media kind (repeatable)
  --from DATE --to DATE   only taken in this range (ISO date)
  --state S           only pairs in review state S (unreviewed|accepted|corrected|rejected; repeatable)
  --limit N (24)  --offset N (0)  --min-score X    cut-off (cosine, or match probability with --rerank)
  --rerank [--top-k N (50)]   ITM re-rank; scores become calibrated match probabilities (default cut-off 0.5)
  --bundle DIR        model bundle, also --model DIR (default: $PAIRSCOPE_BUNDLE, else the first in resources/models)
  --model-version V   which of the library's model versions to search (default: the bundle's, or the only one)
  --json              print a JSON array [{rank, path, score, ...}]; otherwise one line per result

Example: pairscope search --library ~/photos.pairscope --text "dog on a beach" --rerank --json`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      library: { type: 'string' },
      text: { type: 'string' },
      image: { type: 'string' },
      like: { type: 'string' },
      negative: { type: 'string' },
      captions: { type: 'boolean' },
      folder: { type: 'string' },
      kind: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      state: { type: 'string', multiple: true },
      limit: { type: 'string' },
      offset: { type: 'string' },
      'min-score': { type: 'string' },
      rerank: { type: 'boolean' },
      'top-k': { type: 'string' },
      bundle: { type: 'string' },
      model: { type: 'string' },
      'model-version': { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new CliUsageError(`unexpected "${positionals[0]}"`);
    if (values.image !== undefined && values.like !== undefined)
      throw new CliUsageError('give --image or --like, not both');
    if (values.text === undefined && values.image === undefined && values.like === undefined) {
      throw new CliUsageError('give --text, --image or --like');
    }
    const { dbFile: library, cacheDir } = await existingLibraryOption(values.library);
    const bundleDir = bundleOption(values.bundle ?? values.model);
    const states = values.state ?? [];
    for (const s of states) {
      if (!['unreviewed', 'accepted', 'corrected', 'rejected'].includes(s))
        throw new CliUsageError(`--state ${s} is not a review state`);
    }
    const minScore = values['min-score'] === undefined ? undefined : Number(values['min-score']);
    if (minScore !== undefined && !Number.isFinite(minScore))
      throw new CliUsageError(`--min-score must be a number, got "${values['min-score']}"`);
    const topK = integerOption('top-k', values['top-k'], 1, 500);

    const { Embedder } = await import('../engine/model/embedder');
    const { activeQueryEncoder } = await import('../engine/train/version-query-encoder');
    const { openSearchSession } = await import('../engine/search/search-session');
    const embedder = await Embedder.open(bundleDir);
    try {
      // The library's active model version (a fine-tune switches it); its heads project the query (issue #10).
      const encoder = activeQueryEncoder(library, bundleDir, embedder, values['model-version']);
      const session = openSearchSession(library, encoder, {
        tokenCacheDir: path.join(cacheDir, 'itm-tokens'),
        ...(values['model-version'] ? { modelVersion: values['model-version'] } : {}),
      });
      try {
        for (const [what, s] of Object.entries(session.indexStatus)) {
          if (s.state === 'loaded' && s.caughtUp > 0) {
            io.stderr(`pairscope search: ${what} index caught up ${s.caughtUp} rows added since it was last written`);
          }
          if (s.state === 'rebuilt')
            io.stderr(`pairscope search: ${what} index rebuilt (${s.reason}: ${s.detail}) in ${Math.round(s.ms)} ms`);
        }
        const result = await session.search.search({
          ...(values.text !== undefined ? { text: values.text } : {}),
          ...(values.image !== undefined ? { image: { file: path.resolve(values.image) } } : {}),
          ...(values.like !== undefined ? { image: { libraryPath: path.resolve(values.like) } } : {}),
          ...(values.negative !== undefined ? { negativeText: values.negative } : {}),
          target: values.captions ? 'captions' : 'images',
          filter: {
            ...(values.folder !== undefined ? { folder: path.resolve(values.folder) } : {}),
            ...(values.from !== undefined ? { takenFrom: dateOption('from', values.from) } : {}),
            ...(values.to !== undefined ? { takenTo: dateOption('to', values.to, true) } : {}),
            ...(values.kind ? { kinds: values.kind } : {}),
            ...(states.length
              ? { reviewStates: states as ('unreviewed' | 'accepted' | 'corrected' | 'rejected')[] }
              : {}),
          },
          limit: integerOption('limit', values.limit, 1, 500) ?? 24,
          offset: integerOption('offset', values.offset, 0, 10_000) ?? 0,
          ...(minScore !== undefined ? { minScore } : {}),
          ...(values.rerank ? { rerank: topK !== undefined ? { topK } : true } : {}),
        });
        if (result.noGoodMatch) io.stderr('pairscope search: no good match');
        if (values.json) io.stdout(JSON.stringify(result.items));
        else
          for (const h of result.items)
            io.stdout(
              `${String(h.rank).padStart(3)}  ${h.score.toFixed(4)}  ${h.path}${h.text ? `  “${h.text}”` : ''}`,
            );
        return 0;
      } finally {
        session.close();
      }
    } finally {
      await embedder.dispose();
    }
  },
};

function dateOption(name: string, value: string, endOfDay = false): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) && endOfDay ? `${value}T23:59:59.999Z` : value);
  if (!Number.isFinite(ms)) throw new CliUsageError(`--${name} must be a date like 2024-06-30, got "${value}"`);
  return ms;
}
