/**
 * The library's model runtime choices (issue #8 Settings): which bundle, which execution provider, how many CPU
 * threads. Stored as one JSON value in the library's settings table and read by `openLibrary` BEFORE the model
 * loads (`peekRuntimePreferences`), so a change made in Settings applies on the next model load (the next time
 * the library is opened). A bundle named on the command line (`--model`) wins over the stored one for that run.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadBundle } from '../model/bundle';
import type { EmbedderSettings } from '../model/embedder';
import { PROVIDER_ORDER, type ProviderName } from '../model/sessions';
import { LibraryStore } from '../store/library-store';

export const RUNTIME_PREFERENCES_KEY = 'runtime.preferences';

/** Absent fields mean "automatic": the host's bundle, the best available provider, every core. */
export interface RuntimePreferences {
  bundleDir?: string;
  provider?: ProviderName;
  threads?: number;
}

interface SettingsTable {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** The stored choices; a field that is not of the right type (a hand-edited or older value) counts as unset. */
export function readRuntimePreferences(settings: Pick<SettingsTable, 'get'>): RuntimePreferences {
  const v = settings.get(RUNTIME_PREFERENCES_KEY);
  if (typeof v !== 'object' || v === null) return {};
  const r = v as Record<string, unknown>;
  const out: RuntimePreferences = {};
  if (typeof r.bundleDir === 'string' && r.bundleDir !== '') out.bundleDir = r.bundleDir;
  if (typeof r.provider === 'string' && (PROVIDER_ORDER as readonly string[]).includes(r.provider)) {
    out.provider = r.provider as ProviderName;
  }
  if (typeof r.threads === 'number' && Number.isInteger(r.threads) && r.threads >= 1) out.threads = r.threads;
  return out;
}

export function writeRuntimePreferences(settings: SettingsTable, prefs: RuntimePreferences): void {
  settings.set(RUNTIME_PREFERENCES_KEY, prefs);
}

/**
 * The stored choices of a library that is not open yet (empty for a library that does not exist). Opens the
 * store just long enough to read one row, so the model can be opened with them before the library proper.
 */
export function peekRuntimePreferences(dbFile: string): RuntimePreferences {
  if (!existsSync(dbFile)) return {};
  const store = LibraryStore.open(dbFile);
  try {
    return readRuntimePreferences(store.settings);
  } finally {
    store.close();
  }
}

/** What the model is opened with: a chosen provider first, CPU always as the fallback (DESIGN.md §6). */
export function embedderSettingsOf(prefs: RuntimePreferences): EmbedderSettings {
  return {
    ...(prefs.provider ? { providers: prefs.provider === 'cpu' ? ['cpu'] : [prefs.provider, 'cpu'] } : {}),
    ...(prefs.threads ? { threads: prefs.threads } : {}),
  };
}

/** Which bundle a load uses: the command line's, else the stored choice, else the host's default. */
export function bundleToLoad(hostBundle: string, fromCommandLine: boolean, prefs: RuntimePreferences): string {
  return !fromCommandLine && prefs.bundleDir ? prefs.bundleDir : hostBundle;
}

export type BundleCheck = { dir: string; ok: true; name: string } | { dir: string; ok: false; problem: string };

/** Whether `dir` is a model bundle this runtime can load (manifest, files and their sizes; docs/bundle-format.md). */
export async function checkBundle(dir: string): Promise<BundleCheck> {
  const abs = resolve(dir);
  try {
    const bundle = await loadBundle(abs, { verify: 'size' });
    return { dir: abs, ok: true, name: bundle.manifest.name };
  } catch (e) {
    return { dir: abs, ok: false, problem: (e as Error).message };
  }
}

/**
 * The bundles a person can pick from: every folder with a manifest.json directly inside `parents` (e.g.
 * resources/models/), plus the given `dirs` (the one in use, the stored choice), each checked, sorted by folder.
 */
export async function findBundles(parents: readonly string[], dirs: readonly string[]): Promise<BundleCheck[]> {
  const found = new Set(dirs.map((d) => resolve(d)));
  for (const parent of new Set(parents.map((p) => resolve(p)))) {
    const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.isDirectory() && existsSync(join(parent, e.name, 'manifest.json'))) found.add(join(parent, e.name));
    }
  }
  const checks = await Promise.all([...found].map((d) => checkBundle(d)));
  return checks.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}
