/**
 * The Settings panel's engine side (issue #8): what runs (bundle, the provider each graph opened on, threads),
 * what the person chose for the next model load (stored in the library, see runtime-preferences.ts), the bundles
 * they can choose from, and removing a library root — which deletes stored data only when asked to with
 * `confirm: true`, after `rootContents` told the person what would go (the files on disk are never touched).
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Job } from '../store/job-queries';
import type { RootContents } from '../store/browse-queries';
import type { LibraryStore } from '../store/library-store';
import type { Embedder } from '../model/embedder';
import { detectProviders, type ProviderName } from '../model/sessions';
import {
  bundleToLoad,
  checkBundle,
  findBundles,
  readRuntimePreferences,
  writeRuntimePreferences,
  type BundleCheck,
  type RuntimePreferences,
} from './runtime-preferences';

/** A failure the person can act on; handlers turn it into an ApiError with the same code and field. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const REMOVED_ROOTS_KEY = 'library.removedRoots';

/** What the model was loaded with when the library opened. */
export interface LoadedRuntime {
  bundleDir: string;
  /** The host's bundle (its default, or `--model`): what loads when no bundle is chosen. */
  hostBundleDir: string;
  /** The bundle came from `--model`: a stored choice does not apply while it is given. */
  bundleFromCommandLine: boolean;
  prefs: RuntimePreferences;
  /** Why the chosen bundle was not the one loaded (it failed to load), or null. */
  loadProblem: string | null;
}

export interface LibrarySettingsParts {
  store: LibraryStore;
  embedder: Pick<Embedder, 'providers' | 'manifest'>;
  loaded: LoadedRuntime;
  /** The loaded bundle's model version: how many photos have an embedding of it. */
  modelVersionId: number;
  /** The loaded bundle's manifest hash, to tell whether the version's embeddings came from this very build. */
  bundleSha256: string | null;
  /** Folders whose sub-folders holding a manifest.json are offered as bundles (e.g. resources/models). */
  bundleParents: readonly string[];
  /** Jobs and watchers of the library (only folder imports are looked at). */
  ingest: { unwatch(root: string): boolean; runner: { list(limit?: number): Job[] } };
  /** Marks a removed vector deleted in whichever open index holds it (base and fine-tuned versions). */
  dropVector(modelVersionId: number, space: string, label: number): void;
}

export interface SettingsChange {
  bundleDir?: string | null;
  provider?: string | null;
  threads?: number | null;
}

export class LibrarySettings {
  constructor(private readonly parts: LibrarySettingsParts) {}

  /** What runs now, what is chosen for the next load, and the choices. */
  async get() {
    const { embedder, loaded, store, bundleParents } = this.parts;
    const chosen = readRuntimePreferences(store.settings);
    const graphs = await embedder.providers();
    const bundles: BundleCheck[] = await findBundles(bundleParents, [
      loaded.bundleDir,
      ...(chosen.bundleDir ? [chosen.bundleDir] : []),
    ]);
    const maxThreads = Math.max(1, availableParallelism());
    return {
      bundleDir: loaded.bundleDir,
      modelName: embedder.manifest.name,
      bundleFromCommandLine: loaded.bundleFromCommandLine,
      loadProblem: loaded.loadProblem,
      available: detectProviders() as string[],
      graphs: Object.entries(graphs).map(([graph, r]) => ({
        graph,
        provider: r.provider,
        precision: r.precision,
        fallbacks: r.fallbacks,
      })),
      threads: loaded.prefs.threads ?? maxThreads,
      maxThreads,
      chosen: {
        bundleDir: chosen.bundleDir ?? null,
        provider: chosen.provider ?? null,
        threads: chosen.threads ?? null,
      },
      /** The stored choice differs from what runs: it applies the next time the library is opened. */
      pendingReload: !samePreferences(chosen, loaded),
      bundles,
      /** Photos embedded with the loaded bundle: after a switch, the rest are searchable once re-imported. */
      embedded: {
        photos: store.media.count(),
        withThisModel: store.vectors.count(this.parts.modelVersionId, 'image'),
        /**
         * The version's embeddings were made by another build of a bundle with the same name (a retrained model):
         * the store keys versions by name, so they are reused, and scores mix two models until re-imported.
         */
        otherBuild: this.otherBuild(),
      },
    };
  }

  /** Validates and stores a change (null: back to automatic); applied on the next model load. */
  async set(change: SettingsChange) {
    const next: RuntimePreferences = { ...readRuntimePreferences(this.parts.store.settings) };
    if (change.bundleDir === null) delete next.bundleDir;
    else if (change.bundleDir !== undefined) {
      const check = await checkBundle(change.bundleDir);
      if (!check.ok) {
        throw new SettingsError(
          'bad_bundle',
          `${check.dir} is not a usable model bundle: ${check.problem}`,
          'bundleDir',
        );
      }
      next.bundleDir = check.dir;
    }
    if (change.provider === null) delete next.provider;
    else if (change.provider !== undefined) {
      const available = detectProviders();
      if (!(available as string[]).includes(change.provider)) {
        throw new SettingsError(
          'bad_provider',
          `execution provider "${change.provider}" is not available here (available: ${available.join(', ')})`,
          'provider',
        );
      }
      next.provider = change.provider as ProviderName;
    }
    if (change.threads === null) delete next.threads;
    else if (change.threads !== undefined) {
      const max = Math.max(1, availableParallelism());
      if (!Number.isInteger(change.threads) || change.threads < 1 || change.threads > max) {
        throw new SettingsError('bad_threads', `threads must be a whole number from 1 to ${max}`, 'threads');
      }
      next.threads = change.threads;
    }
    writeRuntimePreferences(this.parts.store.settings, next);
    return this.get();
  }

  /** What removing `root` would delete from the library; throws when it is not a root of this library. */
  rootContents(root: string): RootContents & { root: string } {
    const abs = resolve(root);
    const contents = this.parts.store.browse.rootContents(abs);
    if (contents.photos === 0 && !this.importedRoots().has(abs)) {
      throw new SettingsError('not_a_root', `${abs} is not a root of this library`, 'root');
    }
    return { root: abs, ...contents };
  }

  /**
   * Removes a library root: it is no longer watched nor watched again at the next open, and its photos with
   * their captions, corrections and vectors are deleted from the library (never the files on disk). Refused
   * while an import of that root is queued or running (it would add them back).
   */
  removeRoot(root: string): RootContents & { root: string } {
    const contents = this.rootContents(root);
    const busy = this.parts.ingest.runner
      .list(200)
      .some((j) => (j.state === 'queued' || j.state === 'running') && rootOf(j) === contents.root);
    if (busy) {
      throw new SettingsError('conflict', `an import of ${contents.root} is running; cancel it or wait`, 'root');
    }
    this.parts.ingest.unwatch(contents.root);
    const removed = this.removedRoots().filter((r) => r.root !== contents.root);
    removed.push({ root: contents.root, removedAt: Date.now() });
    this.parts.store.settings.set(REMOVED_ROOTS_KEY, removed);
    for (const v of this.parts.store.browse.removeRoot(contents.root)) {
      this.parts.dropVector(v.modelVersionId, v.space, v.label);
    }
    return contents;
  }

  /** Roots removed since their last import: `resume` does not watch them again. */
  skippedRoots(): Set<string> {
    const lastImport = new Map<string, number>();
    for (const j of this.parts.ingest.runner.list(500)) {
      const r = rootOf(j);
      if (r) lastImport.set(r, Math.max(lastImport.get(r) ?? 0, j.createdAt));
    }
    return new Set(this.removedRoots().flatMap((r) => (r.removedAt >= (lastImport.get(r.root) ?? 0) ? [r.root] : [])));
  }

  /**
   * Whether an earlier build of the loaded bundle's name embedded this library: model versions are bundles, so
   * that build's version was archived as `name@<sha prefix>` (ModelVersionQueries.ensure) and its photos lack
   * vectors of this one until their folders are imported again.
   */
  private otherBuild(): boolean {
    const { store, modelVersionId } = this.parts;
    const current = store.modelVersions.byId(modelVersionId);
    if (!current) return false;
    return store.modelVersions
      .list()
      .some((v) => v.id !== current.id && v.parentId === null && v.name.startsWith(`${current.name}@`));
  }

  private removedRoots(): Array<{ root: string; removedAt: number }> {
    const v = this.parts.store.settings.get(REMOVED_ROOTS_KEY);
    return Array.isArray(v)
      ? v.filter(
          (r): r is { root: string; removedAt: number } =>
            typeof r?.root === 'string' && typeof r?.removedAt === 'number',
        )
      : [];
  }

  private importedRoots(): Set<string> {
    return new Set(this.parts.ingest.runner.list(500).flatMap((j) => rootOf(j) ?? []));
  }
}

function rootOf(job: Job): string | null {
  if (job.kind !== 'import-folder') return null;
  const root = (job.params as { root?: unknown } | null)?.root;
  return typeof root === 'string' ? root : null;
}

function samePreferences(chosen: RuntimePreferences, loaded: LoadedRuntime): boolean {
  const next = bundleToLoad(loaded.hostBundleDir, loaded.bundleFromCommandLine, chosen);
  const bundleSame = resolve(next) === resolve(loaded.bundleDir);
  return bundleSame && chosen.provider === loaded.prefs.provider && chosen.threads === loaded.prefs.threads;
}
