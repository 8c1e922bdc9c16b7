/** `settings.*` methods of the contract (main/api.ts): the settings panel. */
import { z } from 'zod';

export const settingsMethods = {
  /** Settings panel: the model bundle, providers available and the one each graph runs on, threads. */
  'settings.get': {
    input: z.object({}).strict(),
    output: z.object({
      bundleDir: z.string(),
      modelName: z.string(),
      available: z.array(z.string()),
      graphs: z.array(
        z.object({ graph: z.string(), provider: z.string(), precision: z.string(), fallbacks: z.array(z.string()) }),
      ),
      threads: z.number().int().positive(),
    }),
  },
} as const;
