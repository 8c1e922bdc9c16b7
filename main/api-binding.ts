/**
 * The one generic server binding of the contract (DESIGN.md §2), shared by every transport: Electron IPC
 * (main/index.ts) and HTTP (main/server.ts) both hand it a method name and an untrusted payload and ship back
 * the `ApiResult` it returns. Layer: common (no node:, no electron).
 *
 * Order per call: unknown method → `unknown_method`; input fails its schema → `bad_request` naming the field;
 * handler throws `ApiError` → passed through; handler throws anything else → `internal` (logged, details not
 * leaked); output fails its schema → `internal` (a bug in the handler, never shown as the caller's fault).
 */
import type { z } from 'zod';
import {
  ApiError,
  type ApiHandlers,
  type ApiResult,
  type CallContext,
  type MethodName,
  type MethodOutput,
  isApiErrorShape,
  isMethodName,
  methods,
} from './api';

export interface ApiDispatcher {
  /** A known method name gives a typed result (handy in tests); transports pass whatever arrived. */
  dispatch<M extends MethodName>(method: M, input: unknown, call: CallContext): Promise<ApiResult<MethodOutput<M>>>;
  dispatch(method: string, input: unknown, call: CallContext): Promise<ApiResult<unknown>>;
}

export interface DispatcherOptions {
  /** Where unexpected handler failures are reported (defaults to console.error). */
  logError?: (message: string, error: unknown) => void;
}

/**
 * @example
 * const dispatcher = createDispatcher(createHandlers(ctx));
 * const result = await dispatcher.dispatch('app.ping', { message: 'hi' }, { transport: 'http' });
 */
export function createDispatcher(handlers: ApiHandlers, options: DispatcherOptions = {}): ApiDispatcher {
  const logError = options.logError ?? ((message, error) => console.error(message, error));
  // The typed overload is sound: every ok result has passed the method's output schema below.
  return {
    async dispatch(method: string, input: unknown, call: CallContext): Promise<ApiResult<unknown>> {
      if (!isMethodName(method)) {
        return failure(new ApiError('unknown_method', `unknown method "${method}"`));
      }
      const spec = methods[method];
      const parsedInput = spec.input.safeParse(input ?? {});
      if (!parsedInput.success) {
        return failure(fromZodError(parsedInput.error, 'input', `invalid input for "${method}"`));
      }
      let output: unknown;
      try {
        const handler = handlers[method] as (input: unknown, call: CallContext) => unknown;
        output = await handler(parsedInput.data, call);
      } catch (error) {
        if (error instanceof ApiError) return failure(error);
        if (isApiErrorShape(error)) return { ok: false, error: { ...error } };
        logError(`pairscope: handler for "${method}" failed`, error);
        return failure(new ApiError('internal', `"${method}" failed: ${messageOf(error)}`));
      }
      const parsedOutput = spec.output.safeParse(output);
      if (!parsedOutput.success) {
        const issue = describeIssue(parsedOutput.error, 'output');
        logError(`pairscope: handler for "${method}" returned a value that breaks its schema: ${issue.text}`, output);
        return failure(new ApiError('internal', `"${method}" produced an invalid result (${issue.text})`));
      }
      return { ok: true, value: parsedOutput.data };
    },
  } as ApiDispatcher;
}

/** Turns the first zod issue into a `bad_request` whose message and `field` name the offending field. */
export function fromZodError(error: z.ZodError, root: string, context: string): ApiError {
  const issue = describeIssue(error, root);
  return new ApiError('bad_request', `${context}: ${issue.text}`, issue.field);
}

function describeIssue(error: z.ZodError, root: string): { field: string; text: string } {
  const first = error.issues[0];
  if (!first) return { field: root, text: `${root}: invalid` };
  const field = formatPath(root, first.path);
  // Unrecognised keys live on the parent object; name the key itself, which is what a person must remove.
  const keys = 'keys' in first && Array.isArray(first.keys) ? (first.keys as string[]) : [];
  const named = keys.length === 1 ? formatPath(field, [keys[0] as string]) : field;
  return { field: named, text: `${named}: ${first.message}` };
}

function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  }
  return out;
}

function failure(error: ApiError): ApiResult<never> {
  return { ok: false, error: error.toShape() };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
