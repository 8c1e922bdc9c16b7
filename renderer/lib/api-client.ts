/**
 * The renderer's one client of the contract (main/api.ts), over an abstract transport (DESIGN.md §2). Components
 * never see which transport runs: `createApiClient(pickTransport())` in main.ts is the only place that knows.
 * Layer: browser (no node:, no electron); also used by Node tests with an injected WebSocket.
 */
import type {
  ApiErrorShape,
  ApiResult,
  EventMessage,
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  Transport,
} from '../../main/api';

/** State of the event channel; IPC is always `open`. */
export type EventChannelState = 'connecting' | 'open' | 'closed';

export interface ApiTransport {
  readonly kind: Transport;
  call(method: MethodName, input: unknown): Promise<ApiResult<unknown>>;
  /** Every event, in arrival order; returns the unsubscribe function. */
  subscribe(listener: (event: EventMessage) => void): () => void;
  /** Called with the current state at once and on every change; returns the unsubscribe function. */
  watchState(listener: (state: EventChannelState) => void): () => void;
  dispose(): void;
}

/** A failed call, recognised by `code` (see main/api.ts "Errors"). */
export class ApiCallError extends Error implements ApiErrorShape {
  override readonly name = 'ApiError';
  readonly code: string;
  readonly field?: string;
  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.code = shape.code;
    if (shape.field !== undefined) this.field = shape.field;
  }
}

export interface ApiClient {
  readonly transport: Transport;
  /**
   * @example const info = await client.call('app.info', {});
   * @throws ApiCallError with the server's `code`, `message` and `field`.
   */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** @example const off = client.on('app.pinged', (p) => console.log(p.message)); */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Every event, whatever its name (for activity indicators and logs). */
  onAny(listener: (event: EventMessage) => void): () => void;
  watchState(listener: (state: EventChannelState) => void): () => void;
  dispose(): void;
}

export function createApiClient(transport: ApiTransport): ApiClient {
  return {
    transport: transport.kind,
    async call(method, input) {
      const result = await transport.call(method, input);
      if (!result.ok) throw new ApiCallError(result.error);
      return result.value as MethodOutput<typeof method>;
    },
    on(event, listener) {
      return transport.subscribe((message) => {
        if (message.name === event) listener(message.payload as EventPayload<typeof event>);
      });
    },
    onAny: (listener) => transport.subscribe(listener),
    watchState: (listener) => transport.watchState(listener),
    dispose: () => transport.dispose(),
  };
}
