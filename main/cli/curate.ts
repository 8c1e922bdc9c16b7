/** `pairscope curate`: the review queue in order of suspicion, and corrections applied from JSONL (issue #9). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type CliCommand, CliUsageError, integerOption, parseCommandArgs } from '../cli-command';
import { defaultBundleDir } from '../project-paths';

const STATES = ['unreviewed', 'accepted', 'corrected', 'rejected'] as const;

export const command: CliCommand = {
  name: 'curate',
  summary: 'rank pairs by how likely their caption is wrong; apply corrections from a JSONL file',
  usage: `Usage: pairscope curate --library L [--model B] [--json] [--limit N] [--state S]... [--rescore]
       pairscope curate --library L [--model B] --apply corrections.jsonl [--json]
       pairscope curate --library L [--model B] --events OUT.jsonl

Prints the library's pairs in order of suspicion (noise score in [0, 1], highest first; docs/curation.md):
each entry has path, caption, score, the score's parts and the model's five suggested captions. Pairs are
scored first when this model version has no scores yet (or with --rescore).
  --library L     library folder (or .pairscope file)
  --model B       model bundle (default: resources/models/albef-emoji-small)
  --json          the queue as one JSON array of entries (with --apply: one summary object)
  --limit N       entries to print (default 50)
  --state S       review states to list (repeatable; default unreviewed)
  --rescore       recompute every score before printing
  --apply FILE    apply corrections, one JSON object per line:
                    {"caption_id":12,"action":"confirm"|"reject"|"skip"|"undo"}
                    {"caption_id":12,"action":"edit","text":"green apple"}
                    {"caption_id":12,"action":"suggestion","suggestion":2}
                  bad lines are reported as FILE:LINE: reason, the others applied; exit code 1 if any was bad.
  --events OUT    write every correction event (old/new text and state, action, time, undoes) as JSONL

Example: pairscope curate --library ~/pairscope-lib --json --limit 20`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      library: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean' },
      limit: { type: 'string' },
      state: { type: 'string', multiple: true },
      rescore: { type: 'boolean' },
      apply: { type: 'string' },
      events: { type: 'string' },
    });
    if (!values.library) throw new CliUsageError('--library is required');
    const limit = integerOption('limit', values.limit, 1, 1_000_000) ?? 50;
    const states = (values.state ?? []).map((s) => {
      if (!(STATES as readonly string[]).includes(s))
        throw new CliUsageError(`--state must be one of ${STATES.join(', ')}, got "${s}"`);
      return s as (typeof STATES)[number];
    });
    const { libraryFiles, ImportSession } = await import('../engine/ingest/import-session');
    const { dbFile } = libraryFiles(values.library);
    if (!existsSync(dbFile)) throw new Error(`no library at ${values.library} (expected ${dbFile})`);
    const { curationFor } = await import('../engine/curate/library-curation');
    const bundleDir = values.model ? path.resolve(values.model) : defaultBundleDir;
    const session = await ImportSession.open({ library: values.library, bundleDir });
    try {
      const curation = await curationFor(session, { author: 'cli' });
      // The library's active model version (a fine-tune, issue #10) scores and orders the queue, as in the app;
      // its CLS features are the bundle version's, where corrected captions are re-encoded.
      let following: number | null = null;
      if (session.store.versions.activeId() !== undefined) {
        const { LibraryVersions } = await import('../engine/train/library-versions');
        const versions = new LibraryVersions(session.store, bundleDir, session.embedder.manifest.name);
        const active = versions.active();
        const base = versions.base();
        if (active.id !== base.id)
          following = curation.useModelVersion(active.id, versions.heads(active).momentum, undefined, base.id);
      }
      if (values.apply) {
        const { applyCorrectionsFile } = await import('../engine/curate/apply-corrections');
        const file = path.resolve(values.apply);
        const r = await applyCorrectionsFile(curation, file);
        if (values.json) io.stdout(JSON.stringify({ applied: r.applied, problems: r.problems }));
        else {
          io.stdout(`${r.applied} corrections applied, ${r.problems.length} lines refused`);
          for (const p of r.problems) io.stderr(`${p.where}: ${p.reason}`);
        }
        return r.problems.length > 0 ? 1 : 0;
      }
      if (values.events) {
        const { writeFile } = await import('node:fs/promises');
        const events = curation.events({ limit: Number.MAX_SAFE_INTEGER });
        await writeFile(path.resolve(values.events), events.map((e) => JSON.stringify(e) + '\n').join(''));
        io.stdout(values.json ? JSON.stringify({ events: events.length }) : `${events.length} events written`);
        return 0;
      }
      const job = values.rescore ? curation.rescore() : (curation.ensureScored() ?? following);
      if (job !== null) {
        const done = await session.ingest.runner.wait(job);
        if (done.state !== 'done') throw new Error(`scoring ${done.state}: ${JSON.stringify(done.error)}`);
      }
      const q = curation.queue({ limit, ...(states.length ? { states } : {}) });
      const { displayPath } = await import('../engine/ingest/path-key');
      if (values.json) {
        const entries = q.items.map((e) => ({
          path: displayPath(e.path),
          caption: e.caption,
          score: e.score,
          caption_id: e.captionId,
          review_state: e.reviewState,
          parts: e.parts,
          suggestions: e.suggestions.map((s) => s.text),
        }));
        io.stdout(JSON.stringify(entries));
      } else {
        for (const e of q.items)
          io.stdout(`${e.score.toFixed(3)}  ${displayPath(e.path)}  "${e.caption}"  → ${e.suggestions[0]?.text ?? ''}`);
      }
      if (!values.json) io.stderr(`${q.items.length} of ${q.total} pairs shown (${q.scored} of ${q.pairs} scored)`);
      return 0;
    } finally {
      await session.close();
    }
  },
};
