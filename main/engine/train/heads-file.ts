/**
 * ProjectionHeads ⇄ safetensors bytes, with the state-dict names of docs/bundle-format.md
 * (`vision_proj.weight` [E,Wv], `vision_proj.bias`, `text_proj.*`, the `_m` momentum copies, `temp` [1]).
 * Fine-tuned versions may add `{vision,text}_adapter.fc{1,2}.{weight,bias}` (the residual adapter); a bundle
 * never has them. `itm_head.*` and any other tensor are carried through untouched in `extra`.
 * Parsing is pure (bytes in, heads out) so the store can keep a version's heads as one BLOB or file.
 */
import type { Linear, ProjectionHeads, Tower } from './heads';

export interface HeadsFile {
  heads: ProjectionHeads;
  /** From the `_m` tensors; equals `heads` when the file has none. */
  momentum: ProjectionHeads;
  /** Every other F32 tensor (e.g. itm_head.*), by name. */
  extra: Record<string, { shape: number[]; data: Float32Array }>;
}

interface Entry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export class HeadsFileError extends Error {
  override readonly name = 'HeadsFileError';
  readonly code = 'bad-heads-file';
}

export function parseHeadsFile(bytes: Uint8Array, label = 'heads.safetensors'): HeadsFile {
  const fail = (m: string): never => {
    throw new HeadsFileError(`${label}: ${m}`);
  };
  if (bytes.length < 8) fail('shorter than the 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > bytes.length - 8) fail(`header length ${headerLen} exceeds the file size ${bytes.length}`);
  let header: Record<string, Entry | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as typeof header;
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + headerLen;
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = raw as Entry;
    if (e.dtype !== 'F32') fail(`tensor ${name} has dtype ${e.dtype}, expected F32`);
    const [b, end] = e.data_offsets;
    const count = e.shape.reduce((a, v) => a * v, 1);
    if (end - b !== 4 * count || dataStart + end > bytes.length)
      fail(`tensor ${name}: offsets [${b}, ${end}] do not fit shape [${e.shape}] in the file`);
    const copy = bytes.slice(dataStart + b, dataStart + end); // aligned copy, little-endian F32 as stored
    tensors.set(name, { shape: e.shape, data: new Float32Array(copy.buffer, copy.byteOffset, count) });
  }
  const take = (name: string) => {
    const t = tensors.get(name);
    if (!t) return fail(`missing tensor ${name}`);
    tensors.delete(name);
    return t;
  };
  const linear = (prefix: string, required: boolean): Linear | null => {
    if (!required && !tensors.has(`${prefix}.weight`)) return null;
    const w = take(`${prefix}.weight`);
    const b = take(`${prefix}.bias`);
    if (w.shape.length !== 2 || b.shape.length !== 1 || b.shape[0] !== w.shape[0])
      fail(`${prefix}: weight [${w.shape}] and bias [${b.shape}] do not form a linear layer`);
    return { weight: w.data, bias: b.data, outDim: w.shape[0]!, inDim: w.shape[1]! };
  };
  const tower = (side: 'vision' | 'text', suffix: string): Tower | null => {
    const proj = linear(`${side}_proj${suffix}`, suffix === '');
    if (!proj) return null;
    const fc1 = linear(`${side}_adapter${suffix}.fc1`, false);
    const fc2 = linear(`${side}_adapter${suffix}.fc2`, false);
    return { adapter: fc1 && fc2 ? { fc1, fc2 } : null, proj };
  };
  const vision = tower('vision', '')!;
  const text = tower('text', '')!;
  const temp = take('temp').data;
  const heads: ProjectionHeads = { vision, text, temp };
  const vm = tower('vision', '_m');
  const tm = tower('text', '_m');
  const momentum: ProjectionHeads = { vision: vm ?? vision, text: tm ?? text, temp };
  if (vision.proj.outDim !== text.proj.outDim)
    fail(`vision_proj gives ${vision.proj.outDim}-d, text_proj ${text.proj.outDim}-d embeddings`);
  return { heads, momentum, extra: Object.fromEntries(tensors) };
}

function towerTensors(
  side: string,
  suffix: string,
  t: Tower,
  out: Map<string, { shape: number[]; data: ArrayLike<number> }>,
): void {
  const put = (prefix: string, l: Linear) => {
    out.set(`${prefix}.weight`, { shape: [l.outDim, l.inDim], data: l.weight });
    out.set(`${prefix}.bias`, { shape: [l.outDim], data: l.bias });
  };
  put(`${side}_proj${suffix}`, t.proj);
  if (t.adapter) {
    put(`${side}_adapter${suffix}.fc1`, t.adapter.fc1);
    put(`${side}_adapter${suffix}.fc2`, t.adapter.fc2);
  }
}

/** safetensors bytes (keys sorted, header padded to 8 bytes, like the Python writer). */
export function serializeHeadsFile(f: HeadsFile, metadata: Record<string, string> = {}): Uint8Array {
  const tensors = new Map<string, { shape: number[]; data: ArrayLike<number> }>();
  towerTensors('vision', '', f.heads.vision, tensors);
  towerTensors('text', '', f.heads.text, tensors);
  towerTensors('vision', '_m', f.momentum.vision, tensors);
  towerTensors('text', '_m', f.momentum.text, tensors);
  tensors.set('temp', { shape: [1], data: f.heads.temp });
  for (const [k, v] of Object.entries(f.extra)) tensors.set(k, v);
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = Object.keys(metadata).length ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const n of names) {
    const len = 4 * tensors.get(n)!.data.length;
    header[n] = { dtype: 'F32', shape: tensors.get(n)!.shape, data_offsets: [offset, offset + len] };
    offset += len;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  const data = new DataView(out.buffer, 8 + headerBytes.length);
  let p = 0;
  for (const n of names) {
    const d = tensors.get(n)!.data;
    for (let i = 0; i < d.length; i++, p += 4) data.setFloat32(p, d[i]!, true);
  }
  return out;
}
