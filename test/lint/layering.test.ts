// The layering of DESIGN.md §1 is enforced by eslint.config.js; these cases prove each rule fires (and does not
// fire on allowed imports), so a config edit that silently drops a rule fails here.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering rules', () => {
  it.each([
    ['renderer/lib/probe.ts', "import { readFile } from 'node:fs/promises';"],
    ['renderer/lib/probe.ts', "import { readFile } from 'fs';"],
    ['renderer/lib/probe.ts', "import { ipcRenderer } from 'electron';"],
    ['renderer/lib/probe.ts', "import { startBrowserHost } from '../../main/server';"],
    ['renderer/components/probe.ts', "import { EventHub } from '../../main/event-hub';"],
    ['main/api.ts', "import path from 'node:path';"],
    ['main/api.ts', "import { app } from 'electron';"],
    ['main/api/search.ts', "import path from 'node:path';"],
    ['main/api/search.ts', "import { LibrarySearch } from '../engine/search/library-search';"],
    ['main/engine/store/probe.ts', "import { app } from 'electron';"],
    ['main/engine/store/probe.ts', "import { startBrowserHost } from '../../server';"],
    ['main/server.ts', "import { BrowserWindow } from 'electron';"],
    ['main/cli/probe.ts', "import { app } from 'electron';"],
    ['preload/probe.ts', "import { readFileSync } from 'node:fs';"],
    ['preload/probe.ts', "import { createHandlers } from '../main/handlers';"],
  ])('refuses in %s: %s', async (file, code) => {
    expect(await restrictedImports(file, code)).toHaveLength(1);
  });

  it.each([
    ['renderer/lib/probe.ts', "import type { MethodName } from '../../main/api';"],
    ['renderer/lib/probe.ts', "import { createHttpTransport } from './transports/http-ws';"],
    ['main/engine/store/probe.ts', "import path from 'node:path';"],
    ['main/index.ts', "import { app } from 'electron';"],
    [
      'preload/probe.ts',
      "import { contextBridge } from 'electron';\nimport { IPC_CALL_CHANNEL } from '../main/ipc-channels';",
    ],
    ['main/api.ts', "import { z } from 'zod';"],
    ['main/api/search.ts', "import { z } from 'zod';\nimport { queryTextSchema } from './values';"],
  ])('allows in %s: %s', async (file, code) => {
    expect(await restrictedImports(file, code)).toEqual([]);
  });
});
