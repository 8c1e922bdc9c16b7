/**
 * Rescan diff (DESIGN §3 ingest "new/changed files (size, mtime, content hash)"): compares what is on disk
 * with what the library already holds, touching only what moved. Pure logic over a snapshot of the store,
 * with hashing injected, so it is tested without a database.
 *
 * - unchanged: same path, same size and mtime (not even hashed)
 * - touched:   same path and hash, new mtime (metadata update only)
 * - changed:   same path, different hash (re-embed)
 * - moved:     new path whose hash belongs to a known path that is gone (re-point, no re-embed)
 * - copy:      new path whose hash is already in the library under a path that still exists (no re-embed)
 * - new:       content never seen
 * - deleted:   known path not seen on disk
 *
 * @example const d = await diffFolder(known, walkedFiles, (f) => hashFile(f.path))
 */
export interface KnownFile {
  key: string;
  size: number;
  mtimeMs: number;
  hash: string;
}

export interface SeenFile {
  key: string;
  size: number;
  mtimeMs: number;
}

export type Change<F extends SeenFile> =
  | { kind: 'unchanged'; file: F }
  | { kind: 'touched'; file: F; hash: string }
  | { kind: 'changed'; file: F; hash: string; previousHash: string }
  | { kind: 'moved'; file: F; hash: string; from: string }
  | { kind: 'copy'; file: F; hash: string; of: string }
  | { kind: 'new'; file: F; hash: string };

export interface FolderDiff<F extends SeenFile> {
  changes: Change<F>[];
  deleted: KnownFile[];
  /** Files whose hashing failed (vanished or unreadable), with the reason. */
  failed: { file: F; reason: string }[];
}

export async function diffFolder<F extends SeenFile>(
  known: Iterable<KnownFile>,
  seen: Iterable<F>,
  hash: (file: F) => Promise<string>,
): Promise<FolderDiff<F>> {
  const byKey = new Map<string, KnownFile>();
  for (const k of known) byKey.set(k.key, k);
  const seenKeys = new Set<string>();
  const pending: F[] = [];
  const changes: Change<F>[] = [];
  const failed: { file: F; reason: string }[] = [];
  for (const f of seen) {
    seenKeys.add(f.key);
    const k = byKey.get(f.key);
    if (k && k.size === f.size && k.mtimeMs === f.mtimeMs) changes.push({ kind: 'unchanged', file: f });
    else pending.push(f);
  }
  const deleted = [...byKey.values()].filter((k) => !seenKeys.has(k.key));
  // Hashes of known paths still present (copies) vs gone (move sources, each usable once).
  const liveByHash = new Map<string, string>();
  for (const k of byKey.values()) if (seenKeys.has(k.key)) liveByHash.set(k.hash, k.key);
  const goneByHash = new Map<string, KnownFile[]>();
  for (const k of deleted) goneByHash.set(k.hash, [...(goneByHash.get(k.hash) ?? []), k]);
  for (const f of pending) {
    let h: string;
    try {
      h = await hash(f);
    } catch (e) {
      failed.push({ file: f, reason: `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
      continue;
    }
    const k = byKey.get(f.key);
    if (k) {
      changes.push(k.hash === h ? { kind: 'touched', file: f, hash: h } : { kind: 'changed', file: f, hash: h, previousHash: k.hash });
      continue;
    }
    const gone = goneByHash.get(h);
    if (gone && gone.length > 0) {
      const from = gone.shift()!;
      deleted.splice(deleted.indexOf(from), 1);
      changes.push({ kind: 'moved', file: f, hash: h, from: from.key });
    } else if (liveByHash.has(h)) {
      changes.push({ kind: 'copy', file: f, hash: h, of: liveByHash.get(h)! });
    } else {
      changes.push({ kind: 'new', file: f, hash: h });
      liveByHash.set(h, f.key);
    }
  }
  return { changes, deleted, failed };
}
