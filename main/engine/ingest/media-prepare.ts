/**
 * One file → what the commit step must do with it (DESIGN §3 ingest): skip it (known, same size and mtime),
 * report it (empty, mislabelled, corrupt, too large), re-point or copy an existing row whose content hash
 * matches (moved/renamed/duplicate: no re-embedding), or decode it once into thumbnails + model pixels.
 * Reads the database, never writes it: writes happen in commit order, in the batch transaction. The decode itself
 * runs in a DecodePool worker when one is given (the file's bytes are transferred there after hashing).
 */
import { access, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { LibraryStore } from '../store/library-store';
import type { ImageSpec } from '../model/preprocess';
import { hashBytes } from './content-hash';
import type { DecodePool } from './decode-pool';
import type { ExifFacts } from './exif';
import { ImageDecodeError, type DecodeLimits } from './image-decode';
import { prepareImage } from './prepare-image';
import { displayPath, pathFromKey } from './path-key';
import { describeContent, hasImageExtension, sniffImageFormat, SNIFF_BYTES, type ImageFormat } from './sniff';
import type { ThumbnailCache } from './thumbnails';

export interface FileRef {
  /** Absolute path as bytes. */
  path: Buffer;
  /** Absolute path as a store key (path-key.ts). */
  key: string;
  /** Root key the file was found under. */
  root: string;
  size: number;
  mtimeMs: number;
}

export type Prepared =
  | { kind: 'known'; file: FileRef; mediaId: number }
  | { kind: 'ignored'; file: FileRef }
  | { kind: 'failed'; file: FileRef; reason: string }
  | { kind: 'touched'; file: FileRef; mediaId: number }
  | { kind: 'reuse'; file: FileRef; hash: string; fromMediaId: number; move: boolean }
  | { kind: 'reuse-pending'; file: FileRef; hash: string }
  | {
      kind: 'decoded';
      file: FileRef;
      hash: string;
      format: ImageFormat;
      width: number;
      height: number;
      exif: ExifFacts;
      rgb: Uint8Array;
    };

export interface PrepareDeps {
  store: LibraryStore;
  modelVersionId: number;
  imageSpec: ImageSpec;
  thumbnails: ThumbnailCache;
  limits: DecodeLimits & { maxFileBytes: number };
  /** Hashes decoded earlier in this run but not committed yet: a duplicate waits for them. */
  pendingHashes: Set<string>;
  /** Worker threads for decode/thumbnails/resample; without it that work runs on this thread. */
  pool?: DecodePool;
}

export const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;

function name(file: FileRef): string {
  return basename(displayPath(file.key));
}

async function exists(key: string): Promise<boolean> {
  try {
    await access(pathFromKey(key));
    return true;
  } catch {
    return false;
  }
}

export async function prepareFile(file: FileRef, deps: PrepareDeps): Promise<Prepared> {
  const { store, modelVersionId: mv } = deps;
  const existing = store.media.byPath(file.key);
  const embedded = existing !== undefined && store.vectors.imageLabelForPath(mv, file.key) !== undefined;
  if (existing && embedded && existing.size === file.size && existing.mtimeMs === Math.round(file.mtimeMs)) {
    return { kind: 'known', file, mediaId: existing.id };
  }
  const looksLikeImage = hasImageExtension(name(file));
  if (file.size === 0)
    return looksLikeImage ? { kind: 'failed', file, reason: 'empty file (0 bytes)' } : { kind: 'ignored', file };
  if (file.size > deps.limits.maxFileBytes) {
    return {
      kind: 'failed',
      file,
      reason: `file too large: ${file.size} bytes, the limit is ${deps.limits.maxFileBytes}`,
    };
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file.path);
  } catch (e) {
    return {
      kind: 'failed',
      file,
      reason: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    };
  }
  const head = bytes.subarray(0, SNIFF_BYTES);
  const format = sniffImageFormat(head);
  if (!format) {
    if (!looksLikeImage) return { kind: 'ignored', file };
    const ext = name(file).slice(name(file).lastIndexOf('.'));
    return {
      kind: 'failed',
      file,
      reason: `not an image: the content is ${describeContent(head)}, although the name ends in ${ext}`,
    };
  }
  const hash = hashBytes(bytes);
  if (existing && embedded && existing.contentHash === hash) return { kind: 'touched', file, mediaId: existing.id };
  const same = store.ingest.embeddedMediaWithHash(mv, hash);
  if (same !== undefined && same !== existing?.id) {
    const source = store.media.byId(same)!;
    // The old path gone and nothing at the new one: a move, the row (captions, corrections) follows the file.
    const move = existing === undefined && !(await exists(source.path));
    return { kind: 'reuse', file, hash, fromMediaId: same, move };
  }
  if (deps.pendingHashes.has(hash)) return { kind: 'reuse-pending', file, hash };
  const request = { bytes, format, hash, spec: deps.imageSpec, limits: deps.limits, thumbsRoot: deps.thumbnails.root };
  let prepared;
  if (deps.pool) {
    prepared = await deps.pool.prepare(request);
  } else {
    try {
      prepared = await prepareImage(request);
    } catch (e) {
      prepared = {
        failed: e instanceof ImageDecodeError ? e.message : `cannot process the image: ${(e as Error).message}`,
      };
    }
  }
  if ('failed' in prepared) return { kind: 'failed', file, reason: prepared.failed };
  deps.pendingHashes.add(hash);
  return {
    kind: 'decoded',
    file,
    hash,
    format,
    width: prepared.width,
    height: prepared.height,
    exif: prepared.exif,
    rgb: prepared.rgb,
  };
}
