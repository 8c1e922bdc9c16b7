/** `app.*` methods and events of the contract (main/api.ts): facts about the running app and an echo. */
import { z } from 'zod';
import { epochMsSchema, transportSchema } from './values';

export const appMethods = {
  /** Facts about the running app: version, transport, runtime and the open library (if any). */
  'app.info': {
    input: z.object({}).strict(),
    output: z.object({
      name: z.literal('pairscope'),
      version: z.string(),
      transport: transportSchema,
      /** `electron` when the Electron shell runs the engine, `node` under the browser host / CLI. */
      host: z.enum(['electron', 'node']),
      node: z.string(),
      platform: z.string(),
      arch: z.string(),
      /** Absolute path of the open library, or null while none is open. */
      libraryPath: z.string().nullable(),
      startedAt: epochMsSchema,
    }),
  },
  /** Echo: proves a request round-trips through validation, handler and transport; emits `app.pinged`. */
  'app.ping': {
    input: z.object({ message: z.string().max(1000) }).strict(),
    output: z.object({ message: z.string(), receivedAt: epochMsSchema }),
  },
} as const;

export const appEvents = {
  /** Sent after every `app.ping`, to every connected UI: proves the event path end to end. */
  'app.pinged': z.object({ message: z.string(), at: epochMsSchema, transport: transportSchema }),
} as const;
