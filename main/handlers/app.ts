/** Handlers of the `app.*` methods (main/api.ts): facts about the running app and an echo. */
import type { ApiHandlers } from '../api';
import type { AppContext } from '../app-context';

export function createAppHandlers(ctx: AppContext): Pick<ApiHandlers, 'app.info' | 'app.ping'> {
  return {
    'app.info': (_input, call) => ({
      name: 'pairscope',
      version: ctx.version,
      transport: call.transport,
      host: ctx.host,
      node: process.versions.node,
      platform: process.platform,
      arch: process.arch,
      libraryPath: ctx.libraryPath,
      startedAt: ctx.startedAt,
    }),
    'app.ping': ({ message }, call) => {
      const receivedAt = Date.now();
      ctx.events.emit('app.pinged', { message, at: receivedAt, transport: call.transport });
      return { message, receivedAt };
    },
  };
}
