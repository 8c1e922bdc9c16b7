import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../cli';
import { makeTempDir } from '../engine/store/test-support/temp-dir';
import { patternImage } from '../engine/ingest/test-images';

const TINY = join(__dirname, '../../test/fixtures/tiny-albef');
const CAPTIONS = ['a red ball', 'a blue car', 'a green tree', 'a happy face', 'yellow sun', 'a sad face', 'red apple'];

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t + '\n'), stderr: (t) => (err += t + '\n') });
  return { code, out, err };
}

let tmp: ReturnType<typeof makeTempDir>;
let lib: string;
beforeEach(async () => {
  tmp = makeTempDir('pairscope-cli-curate-');
  mkdirSync(join(tmp.dir, 'data/img'), { recursive: true });
  const lines = [];
  for (const [i, c] of CAPTIONS.entries()) {
    writeFileSync(join(tmp.dir, 'data/img', `${i}.jpg`), await patternImage(i + 40, 'jpeg'));
    lines.push(JSON.stringify({ image: `img/${i}.jpg`, caption: c }));
  }
  writeFileSync(join(tmp.dir, 'data/pairs.jsonl'), lines.join('\n'));
  lib = join(tmp.dir, 'lib');
  expect(
    (await run(['import', '--library', lib, '--model', TINY, join(tmp.dir, 'data/pairs.jsonl'), '--json'])).code,
  ).toBe(0);
});
afterEach(() => tmp.remove());

describe('pairscope curate', () => {
  it('prints the queue as JSON in order of suspicion, each entry with path, caption and score', async () => {
    const r = await run(['curate', '--library', lib, '--model', TINY, '--json']);
    expect(r.code).toBe(0);
    const q = JSON.parse(r.out) as Array<{ path: string; caption: string; score: number; suggestions: string[] }>;
    expect(q).toHaveLength(7);
    expect(q.map((e) => e.caption).sort()).toEqual([...CAPTIONS].sort());
    expect(q.map((e) => e.score)).toEqual(q.map((e) => e.score).sort((a, b) => b - a));
    expect(q[0]!.path).toMatch(/data\/img\/\d\.jpg$/);
    expect(q[0]!.suggestions).toHaveLength(5);
  });

  it('applies the valid lines of a corrections file, names file:line of each bad one, and export shows the result', async () => {
    const q = JSON.parse((await run(['curate', '--library', lib, '--model', TINY, '--json'])).out) as Array<{
      caption_id: number;
      caption: string;
      suggestions: string[];
    }>;
    const file = join(tmp.dir, 'fixes.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ caption_id: q[0]!.caption_id, action: 'reject' }),
        JSON.stringify({ id: String(q[1]!.caption_id), action: 'edit', text: 'a small red ball' }),
        '{"caption_id": 3, "action": "explode"}',
        '{not json',
        JSON.stringify({ caption_id: q[2]!.caption_id, action: 'suggestion', suggestion: 2 }),
        JSON.stringify({ caption_id: 999999, action: 'confirm' }),
        JSON.stringify({ caption_id: q[3]!.caption_id, action: 'edit' }),
        '',
      ].join('\n'),
    );
    const r = await run(['curate', '--library', lib, '--model', TINY, '--apply', file]);
    expect(r.code).toBe(1);
    expect(r.out.trim()).toBe('3 corrections applied, 4 lines refused');
    const problems = r.err.trim().split('\n');
    expect(problems.map((l) => l.slice(0, l.indexOf(': ', file.length)))).toEqual([
      `${file}:3`,
      `${file}:4`,
      `${file}:6`,
      `${file}:7`,
    ]);
    expect(problems[0]).toMatch(/"action": Invalid option/);
    expect(problems[2]).toBe(`${file}:6: no pair with caption id 999999`);
    expect(problems[3]).toBe(`${file}:7: "text": action "edit" needs "text"`);

    const out = join(tmp.dir, 'export.jsonl');
    expect((await run(['export', '--library', lib, '--format', 'jsonl', out])).code).toBe(0);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const byId = new Map(rows.map((x) => [Number(x.id), x]));
    expect(byId.get(q[0]!.caption_id)).toMatchObject({ caption: q[0]!.caption, review_state: 'rejected' });
    expect(byId.get(q[1]!.caption_id)).toMatchObject({
      caption: 'a small red ball',
      original_caption: q[1]!.caption,
      review_state: 'corrected',
    });
    expect(byId.get(q[2]!.caption_id)).toMatchObject({ caption: q[2]!.suggestions[1], review_state: 'corrected' });

    const eventsFile = join(tmp.dir, 'events.jsonl');
    expect((await run(['curate', '--library', lib, '--model', TINY, '--events', eventsFile])).out.trim()).toBe(
      '3 events written',
    );
    const events = readFileSync(eventsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => [e.captionId, e.action, e.suggestion, e.author])).toEqual([
      [q[0]!.caption_id, 'reject', null, 'cli'],
      [q[1]!.caption_id, 'edit', null, 'cli'],
      [q[2]!.caption_id, 'suggest', 2, 'cli'],
    ]);
  });
});
