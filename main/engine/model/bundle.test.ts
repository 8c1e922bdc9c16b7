import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadBundle } from './bundle';

// A bundle made by the test: small stand-in files (verification never opens the graphs).
const FILES: Record<string, string> = {
  'vision.onnx': 'vision-graph-bytes',
  'text.onnx': 'text-graph-bytes',
  'fusion.onnx': 'fusion-graph-bytes',
  'heads.safetensors': 'heads',
  'vocab.txt': '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n',
};

function manifestFor(files: Record<string, string>): Record<string, unknown> {
  const entries = Object.entries(files).map(([name, body]) => [
    name,
    { sha256: createHash('sha256').update(body).digest('hex'), bytes: Buffer.byteLength(body) },
  ]);
  return {
    format: 'pairscope-albef-bundle',
    formatVersion: 1,
    name: 'test-bundle',
    description: 'made by bundle.test.ts',
    source: { kind: 'trained-here' },
    architecture: {
      family: 'albef',
      image_res: 32,
      patch_size: 16,
      vision_width: 8,
      vision_depth: 1,
      vision_heads: 1,
      vision_mlp_ratio: 4,
      vision_ln_eps: 1e-6,
      text_width: 8,
      text_layers: 2,
      fusion_layer: 1,
      text_heads: 1,
      text_intermediate: 16,
      text_ln_eps: 1e-12,
      vocab_size: 5,
      max_position_embeddings: 32,
      type_vocab_size: 2,
      embed_dim: 4,
    },
    image: {
      resolution: 32,
      mean: [0.5, 0.5, 0.5],
      std: [0.25, 0.25, 0.25],
      resize: 'bicubic-square',
      background: [255, 255, 255],
    },
    text: {
      vocab: 'vocab.txt',
      lowercase: true,
      strip_accents: true,
      pre_caption: { max_words: 30 },
      add_sep: false,
      max_length: 30,
      special_tokens: { pad: '[PAD]', unk: '[UNK]', cls: '[CLS]', sep: '[SEP]', mask: '[MASK]' },
    },
    temp: 0.07,
    itm: { k_test: 16 },
    graphs: { vision: 'vision.onnx', text: 'text.onnx', fusion: 'fusion.onnx' },
    heads: 'heads.safetensors',
    files: Object.fromEntries(entries),
  };
}

let dir: string;
async function writeBundle(manifest: Record<string, unknown>, files = FILES) {
  for (const [name, body] of Object.entries(files)) await writeFile(path.join(dir, name), body);
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bundle-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadBundle', () => {
  it('loads a bundle whose files match the manifest and resolves its paths', async () => {
    await writeBundle(manifestFor(FILES));
    const bundle = await loadBundle(dir);
    expect(bundle.manifest.name).toBe('test-bundle');
    expect(bundle.graphPath('vision', 'fp16')).toBe(path.join(dir, 'vision.onnx')); // no fp16 graphs: fp32
    expect(bundle.hasFp16).toBe(false);
  });

  it('refuses a file whose sha256 differs, naming the file and both checksums', async () => {
    await writeBundle(manifestFor(FILES), { ...FILES, 'text.onnx': 'text-graph-bytez' });
    await expect(loadBundle(dir)).rejects.toMatchObject({
      code: 'BUNDLE_CHECKSUM',
      message: expect.stringMatching(/file text\.onnx has sha256 [0-9a-f]{64}, manifest says [0-9a-f]{64}/),
    });
  });

  it('refuses a file whose size differs before hashing it', async () => {
    await writeBundle(manifestFor(FILES), { ...FILES, 'heads.safetensors': 'heads!' });
    await expect(loadBundle(dir)).rejects.toMatchObject({
      code: 'BUNDLE_FILE_SIZE',
      message: expect.stringContaining('file heads.safetensors has 6 bytes, manifest says 5'),
    });
  });

  it('refuses a missing file, naming it', async () => {
    await writeBundle(manifestFor(FILES));
    await unlink(path.join(dir, 'fusion.onnx'));
    await expect(loadBundle(dir)).rejects.toMatchObject({
      code: 'BUNDLE_FILE_MISSING',
      message: expect.stringContaining('file fusion.onnx is missing (ENOENT)'),
    });
  });

  it('refuses a manifest missing a field, naming the field', async () => {
    const manifest = manifestFor(FILES);
    delete (manifest.image as Record<string, unknown>).std;
    await writeBundle(manifest);
    await expect(loadBundle(dir)).rejects.toMatchObject({
      code: 'BUNDLE_MANIFEST_INVALID',
      message: expect.stringContaining('field `image.std`'),
    });
  });

  it('names the array element of a wrong-typed field', async () => {
    const manifest = manifestFor(FILES);
    (manifest.image as Record<string, unknown>).mean = [0.5, 0.5, 'x'];
    await writeBundle(manifest);
    await expect(loadBundle(dir)).rejects.toMatchObject({ message: expect.stringContaining('field `image.mean[2]`') });
  });

  it('refuses a graph that is not listed in files', async () => {
    const manifest = manifestFor(FILES);
    (manifest.graphs as Record<string, string>).fusion = 'other.onnx';
    await writeBundle(manifest);
    await expect(loadBundle(dir)).rejects.toMatchObject({
      code: 'BUNDLE_MANIFEST_INVALID',
      message: expect.stringContaining('field `graphs.fusion` names other.onnx, which is not listed in `files`'),
    });
  });

  it('refuses file names that leave the bundle folder', async () => {
    const manifest = manifestFor(FILES);
    (manifest.files as Record<string, unknown>)['../escape.onnx'] = { sha256: '0'.repeat(64), bytes: 1 };
    await writeBundle(manifest);
    await expect(loadBundle(dir)).rejects.toMatchObject({
      code: 'BUNDLE_MANIFEST_INVALID',
      message: expect.stringContaining('must be a file name inside the bundle folder'),
    });
  });

  it('refuses a folder without manifest.json and a manifest that is not JSON', async () => {
    await expect(loadBundle(dir)).rejects.toMatchObject({ code: 'BUNDLE_MANIFEST_MISSING' });
    await writeFile(path.join(dir, 'manifest.json'), '{"format": ');
    await expect(loadBundle(dir)).rejects.toMatchObject({
      code: 'BUNDLE_MANIFEST_INVALID',
      message: expect.stringContaining('manifest.json: not valid JSON'),
    });
  });

  it('still reads the manifest it wrote (round trip of the file on disk)', async () => {
    await writeBundle(manifestFor(FILES));
    const onDisk = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as { files: object };
    expect(Object.keys(onDisk.files).sort()).toEqual(Object.keys(FILES).sort());
  });
});
