/**
 * Load a model bundle folder and verify it before anything touches ONNX Runtime: the manifest
 * against its schema, every file it lists against its size and sha256, and every file the
 * manifest refers to (graphs, heads, vocab) against the list (docs/bundle-format.md, DESIGN §4).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ModelError } from './errors';
import { parseManifest, type GraphName, type Manifest } from './manifest';

export interface Bundle {
  readonly dir: string;
  readonly manifest: Manifest;
  /** Absolute path of a file the manifest names. */
  file(name: string): string;
  /** The graph file for a precision; fp16 only when the bundle has it. */
  graphPath(graph: GraphName, precision: 'fp32' | 'fp16'): string;
  readonly hasFp16: boolean;
}

export interface LoadBundleOptions {
  /** 'full' hashes every file (the default); 'size' checks sizes only, for a bundle verified before. */
  verify?: 'full' | 'size';
}

export async function loadBundle(dir: string, options: LoadBundleOptions = {}): Promise<Bundle> {
  const root = path.resolve(dir);
  const manifestPath = path.join(root, 'manifest.json');
  let raw: string;
  try {
    raw = await readFile(manifestPath, 'utf8');
  } catch (err) {
    throw new ModelError(
      'BUNDLE_MANIFEST_MISSING',
      `model bundle ${root}: cannot read manifest.json (${errnoText(err)})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new ModelError('BUNDLE_MANIFEST_INVALID', `${manifestPath}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = parseManifest(json);
  if (!parsed.ok) {
    throw new ModelError('BUNDLE_MANIFEST_INVALID', `${manifestPath}: ${parsed.problems.join('; ')}`);
  }
  const manifest = parsed.manifest;

  for (const [field, name] of referencedFiles(manifest)) {
    if (!(name in manifest.files)) {
      throw new ModelError(
        'BUNDLE_MANIFEST_INVALID',
        `${manifestPath}: field \`${field}\` names ${name}, which is not listed in \`files\``,
      );
    }
  }
  for (const [name, expected] of Object.entries(manifest.files)) {
    await verifyFile(root, name, expected, options.verify ?? 'full');
  }

  const file = (name: string) => path.join(root, name);
  return {
    dir: root,
    manifest,
    file,
    hasFp16: manifest.graphs_fp16 !== undefined,
    graphPath(graph, precision) {
      const set = precision === 'fp16' && manifest.graphs_fp16 ? manifest.graphs_fp16 : manifest.graphs;
      return file(set[graph]);
    },
  };
}

function referencedFiles(m: Manifest): Array<[string, string]> {
  const refs: Array<[string, string]> = [
    ['graphs.vision', m.graphs.vision],
    ['graphs.text', m.graphs.text],
    ['graphs.fusion', m.graphs.fusion],
    ['heads', m.heads],
    ['text.vocab', m.text.vocab],
  ];
  if (m.graphs_fp16) {
    refs.push(
      ['graphs_fp16.vision', m.graphs_fp16.vision],
      ['graphs_fp16.text', m.graphs_fp16.text],
      ['graphs_fp16.fusion', m.graphs_fp16.fusion],
    );
  }
  return refs;
}

async function verifyFile(
  root: string,
  name: string,
  expected: { sha256: string; bytes: number },
  mode: 'full' | 'size',
): Promise<void> {
  const full = path.join(root, name);
  let size: number;
  try {
    const st = await stat(full);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    size = st.size;
  } catch (err) {
    throw new ModelError('BUNDLE_FILE_MISSING', `model bundle ${root}: file ${name} is missing (${errnoText(err)})`);
  }
  if (size !== expected.bytes) {
    throw new ModelError(
      'BUNDLE_FILE_SIZE',
      `model bundle ${root}: file ${name} has ${size} bytes, manifest says ${expected.bytes}`,
    );
  }
  if (mode === 'size') return;
  const actual = await sha256File(full);
  if (actual !== expected.sha256) {
    throw new ModelError(
      'BUNDLE_CHECKSUM',
      `model bundle ${root}: file ${name} has sha256 ${actual}, manifest says ${expected.sha256}`,
    );
  }
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(err);
}
