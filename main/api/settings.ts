/** `settings.*` methods of the contract (main/api.ts): the settings panel (issue #8). */
import { z } from 'zod';
import { pathInputSchema } from './values';

/** A folder offered as a model bundle, checked (manifest, files, sizes; docs/bundle-format.md). */
const bundleCheckSchema = z.object({
  dir: z.string(),
  ok: z.boolean(),
  name: z.string().optional(),
  problem: z.string().optional(),
});

/** What runs now, what is chosen for the next model load (null: automatic), and the choices. */
export const settingsViewSchema = z.object({
  /** The bundle loaded now, and its model's name. */
  bundleDir: z.string(),
  modelName: z.string(),
  /** The bundle was named on the command line (`--model`): a bundle chosen here applies when it is not. */
  bundleFromCommandLine: z.boolean(),
  /** Why the chosen bundle is not the one loaded (it failed to load), or null. */
  loadProblem: z.string().nullable(),
  /** Execution providers this machine offers, best first. */
  available: z.array(z.string()),
  /** The provider (and precision, and any fallback) each graph opened so far runs on; graphs open on first use. */
  graphs: z.array(
    z.object({ graph: z.string(), provider: z.string(), precision: z.string(), fallbacks: z.array(z.string()) }),
  ),
  /** CPU threads the model runs with now, and the most that may be chosen (the machine's cores). */
  threads: z.number().int().positive(),
  maxThreads: z.number().int().positive(),
  chosen: z.object({
    bundleDir: z.string().nullable(),
    provider: z.string().nullable(),
    threads: z.number().int().positive().nullable(),
  }),
  /** The choice differs from what runs: it applies the next time the library is opened (the next model load). */
  pendingReload: z.boolean(),
  bundles: z.array(bundleCheckSchema),
  /** Photos in the library, and how many have an embedding of the loaded bundle (fewer after a bundle switch). */
  embedded: z.object({
    photos: z.number().int().nonnegative(),
    withThisModel: z.number().int().nonnegative(),
    /** Those embeddings came from another build of a bundle with this name (e.g. before a retrain). */
    otherBuild: z.boolean(),
  }),
});

/** What removing a library root deletes from the library (never the files on disk). */
const rootContentsSchema = z.object({
  root: z.string(),
  photos: z.number().int().nonnegative(),
  captions: z.number().int().nonnegative(),
  corrections: z.number().int().nonnegative(),
});

export const settingsMethods = {
  'settings.get': {
    input: z.object({}).strict(),
    output: settingsViewSchema,
  },
  /** Stores runtime choices in the library (null: back to automatic); validated now, applied at the next load. */
  'settings.set': {
    input: z
      .object({
        bundleDir: pathInputSchema.nullable().optional(),
        provider: z.string().min(1).max(32).nullable().optional(),
        threads: z.number().int().min(1).max(1024).nullable().optional(),
      })
      .strict(),
    output: settingsViewSchema,
  },
  /** What removing this library root would delete (the confirmation shows it); deletes nothing. */
  'library.rootContents': {
    input: z.object({ root: pathInputSchema }).strict(),
    output: rootContentsSchema,
  },
  /**
   * Removes a library root: no longer watched, and its photos with their captions, corrections and vectors are
   * deleted from the library (files on disk are untouched). `confirm: true` is required: nothing is deleted
   * without the person's confirmation.
   */
  'library.removeRoot': {
    input: z.object({ root: pathInputSchema, confirm: z.literal(true) }).strict(),
    output: rootContentsSchema,
  },
} as const;
