/** A browser host per test file, on a free port with a fresh token, serving the renderer built by global-setup. */
import { test as base } from '@playwright/test';
import { type NodeHost, openNodeHost } from '../../main/node-host';
import { newToken } from '../../main/server/auth';

export interface HostFixture {
  host: NodeHost;
  token: string;
  /** Origin without the token, e.g. http://127.0.0.1:41234 */
  origin: string;
  /** The URL a person opens (with ?token=). */
  url: string;
}

export const test = base.extend<object, { browserHost: HostFixture }>({
  browserHost: [
    async ({}, use) => {
      const token = newToken();
      const host = await openNodeHost({ port: 0, token, libraryPath: null });
      await use({
        host,
        token,
        origin: `http://127.0.0.1:${host.browserHost.port}`,
        url: host.browserHost.url,
      });
      await host.close();
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
