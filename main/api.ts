/**
 * THE contract between the UI and the engine (DESIGN.md §2): every request, response and event, typed once.
 * The schemas live by area in `main/api/<area>.ts`; this file joins them into the one `methods` and `events` table
 * and re-exports everything, so every other file imports the contract from `main/api` alone.
 *
 * Layer: "common" — these files may import only `zod`. No `node:*`, no `electron`, no DOM (lint-enforced),
 * because they are loaded by the Electron main process, the browser host, the preload and the renderer alike.
 *
 * ## Adding a method (a 2-place change)
 * 1. Declare it in its area's table, e.g. `searchMethods` in `main/api/search.ts`:
 *    `'area.verb': { input: z.object(...), output: z.object(...) }` (a new area: a new `main/api/<area>.ts` whose
 *    table is spread into `methods` below).
 * 2. Implement it in the handlers of its area (`main/handlers/<area>.ts`, returned by `createHandlers`).
 *    `ApiHandlers` requires a handler for every method, so `npm run typecheck` fails until step 2 is done.
 * Both transports (Electron IPC in `main/index.ts`, HTTP + WebSocket in `main/server.ts`) and the renderer's client
 * pick the new method up with no further change. Inputs are validated before the handler runs and outputs after it
 * returns (`main/api-binding.ts`), so a handler receives parsed, typed data and may trust it.
 *
 * ## Adding an event (a 2-place change)
 * 1. Declare its payload in its area's events table (e.g. `jobsEvents` in `main/api/jobs.ts`):
 *    `'area.happened': z.object(...)`.
 * 2. Emit it from a handler or job with `ctx.events.emit('area.happened', payload)` (see `main/event-hub.ts`).
 * The renderer subscribes with `client.on('area.happened', listener)`.
 *
 * ## Errors
 * Every failure that crosses the boundary is an `ApiErrorShape` `{ name: 'ApiError', code, message, field? }`
 * (`main/api/errors.ts`). Match on `code`, never on `instanceof` (the error has crossed a process boundary).
 * Handlers throw `new ApiError(code, message, field)` for failures a person can act on; anything else becomes
 * `internal`.
 */
import { type z } from 'zod';
import { appEvents, appMethods } from './api/app';
import { curateMethods } from './api/curate';
import { type ApiResult } from './api/errors';
import { finetuneEvents, finetuneMethods } from './api/finetune';
import { jobsEvents, jobsMethods } from './api/jobs';
import { libraryMethods } from './api/library';
import { searchMethods } from './api/search';
import { settingsMethods } from './api/settings';
import { type Transport } from './api/values';

export * from './api/values';
export * from './api/errors';
export * from './api/app';
export * from './api/search';
export * from './api/jobs';
export * from './api/library';
export * from './api/settings';
export * from './api/curate';
export * from './api/finetune';

// ---------------------------------------------------------------------------------------------------------------
// Methods: name → { input, output }. Names are `area.verb` in camelCase; each area declares its own in main/api/.

export const methods = {
  ...appMethods,
  ...searchMethods,
  ...jobsMethods,
  ...libraryMethods,
  ...settingsMethods,
  ...curateMethods,
  ...finetuneMethods,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Events: name → payload schema. Pushed to every connected UI (webContents.send / WebSocket).

export const events = {
  ...appEvents,
  ...jobsEvents,
  ...finetuneEvents,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Types inferred from the tables above. Nothing below needs editing when a method or event is added.

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
/** One event as it travels over a transport. */
export type EventMessage = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

/** Per-call facts a handler may need (never the transport object itself). */
export interface CallContext {
  transport: Transport;
}

/** One handler per method; the binding validates input before and output after it. */
export type ApiHandlers = {
  [M in MethodName]: (input: MethodParsedInput<M>, call: CallContext) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** The object the Electron preload exposes as `window.pairscope` (see preload/index.ts). */
export interface PairscopeBridge {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<ApiResult<MethodOutput<M>>>;
  /** Registers a listener for every event; returns the function that removes it. */
  subscribe(listener: (event: EventMessage) => void): () => void;
}
