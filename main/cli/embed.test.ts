import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { command } from './embed';

const ROOT = path.resolve(__dirname, '../..');
const TINY = path.join(ROOT, 'test/fixtures/tiny-albef');
const PHOTO = path.join(ROOT, 'test/fixtures/pipeline-parity/images/grace_hopper.jpg');

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await command.run(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, lines: out.map((l) => JSON.parse(l) as Record<string, unknown>), err };
}

describe('pairscope embed', () => {
  it('prints one JSON line per image and caption, in order, with unit-length embeddings', async () => {
    const { code, lines, err } = await run([
      PHOTO,
      '--text',
      'a red cat',
      '--bundle',
      TINY,
      '--provider',
      'cpu',
      '--features',
    ]);
    expect(code).toBe(0);
    expect(lines.map((l) => l.file ?? l.text)).toEqual([PHOTO, 'a red cat']);
    const emb = lines[0]!.embedding as number[];
    expect(emb).toHaveLength(16);
    expect(Math.hypot(...emb)).toBeCloseTo(1, 5);
    expect(lines[0]!.feature as number[]).toHaveLength(32);
    expect(lines[1]!.ids).toEqual([101, 104, 111, 116]);
    expect(err[0]).toBe('embed: 2 embedded, 0 failed; providers vision=cpu text=cpu');
  });

  it('reports a bad item with its code, embeds the rest and exits 1', async () => {
    const { code, lines } = await run(['/no/such.jpg', PHOTO, '--text', '', '--bundle', TINY, '--provider', 'cpu']);
    expect(code).toBe(1);
    expect(lines.map((l) => (l.error as { code?: string } | undefined)?.code ?? 'ok')).toEqual([
      'IMAGE_UNREADABLE',
      'ok',
      'CAPTION_EMPTY',
    ]);
  });

  it('refuses an unknown provider as a usage error', async () => {
    await expect(run([PHOTO, '--provider', 'tpu'])).rejects.toThrow(
      '--provider must be one of cuda, webgpu, dml, coreml, cpu, got "tpu"',
    );
  });
});
