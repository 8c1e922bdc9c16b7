/**
 * Watches an imported folder while the app runs and hands debounced batches of touched paths to a callback
 * (typically: queue a rescan job for those paths). A burst of events (a camera dump, an editor's
 * write-rename-save) becomes one batch after `debounceMs` of quiet. Falls back to polling a cheap
 * size/mtime snapshot when recursive fs.watch is unavailable or fails (network mounts, inotify limits).
 * One owner, one dispose() (style.md: every watcher and timer has an owner).
 *
 * @example const w = watchFolder('/photos', { onBatch: (keys) => jobs.enqueueRescan(keys) }); …; w.dispose()
 */
import { watch, type FSWatcher } from 'node:fs';
import { walkFolder } from './walk';
import { pathKey } from './path-key';

export interface FolderWatcherOptions {
  /** Receives relative path keys (see path-key.ts), or null for "something changed, rescan everything". */
  onBatch: (keys: string[] | null) => void;
  onError?: (error: Error) => void;
  debounceMs?: number;
  /** Force polling (tests, or folders on file systems without inotify). */
  poll?: boolean;
  pollIntervalMs?: number;
  /** Absolute path prefixes whose changes are not reported (the library's own files: they change on every commit). */
  ignore?: string[];
}

export interface FolderWatcher {
  readonly mode: 'events' | 'polling';
  dispose(): void;
}

export function watchFolder(root: string, options: FolderWatcherOptions): FolderWatcher {
  const debounceMs = options.debounceMs ?? 500;
  const pending = new Set<string>();
  let rescanAll = false;
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;

  const flush = (): void => {
    timer = undefined;
    if (disposed) return;
    const keys = rescanAll ? null : [...pending].sort();
    pending.clear();
    rescanAll = false;
    options.onBatch(keys);
  };
  const note = (key: string | null): void => {
    if (key === null) rescanAll = true;
    else pending.add(key);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };

  const rootSlash = root.endsWith('/') ? root : `${root}/`;
  const ignored = (rel: Buffer): boolean => {
    const abs = rootSlash + rel.toString('utf8');
    return (options.ignore ?? []).some(
      (p) =>
        abs === p ||
        abs.startsWith(p.endsWith('/') ? p : `${p}/`) ||
        abs.startsWith(`${p}-`) ||
        abs.startsWith(`${p}.`),
    );
  };
  let fsWatcher: FSWatcher | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let mode: 'events' | 'polling' = 'polling';
  if (!options.poll) {
    try {
      fsWatcher = watch(root, { recursive: true, encoding: 'buffer' }, (_event, name) => {
        if (name && ignored(name as Buffer)) return;
        note(name ? pathKey(name as Buffer) : null);
      });
      fsWatcher.on('error', (e) => {
        options.onError?.(e);
        fsWatcher?.close();
        fsWatcher = undefined;
        startPolling();
      });
      mode = 'events';
    } catch (e) {
      options.onError?.(e as Error);
    }
  }
  if (!fsWatcher) startPolling();

  function startPolling(): void {
    mode = 'polling';
    let previous: Map<string, string> | undefined;
    let busy = false;
    const tick = async (): Promise<void> => {
      if (busy || disposed) return;
      busy = true;
      try {
        const now = new Map<string, string>();
        for await (const e of walkFolder(Buffer.from(root)))
          if (e.kind === 'file' && !ignored(Buffer.from(e.key))) now.set(e.key, `${e.size}:${e.mtimeMs}`);
        if (previous && !disposed) {
          for (const [k, v] of now) if (previous.get(k) !== v) note(k);
          for (const k of previous.keys()) if (!now.has(k)) note(k);
        }
        previous = now;
      } catch (e) {
        options.onError?.(e as Error);
      } finally {
        busy = false;
      }
    };
    void tick();
    pollTimer = setInterval(() => void tick(), options.pollIntervalMs ?? 5000);
  }

  return {
    get mode() {
      return mode;
    },
    dispose() {
      disposed = true;
      fsWatcher?.close();
      if (pollTimer) clearInterval(pollTimer);
      if (timer) clearTimeout(timer);
    },
  };
}
