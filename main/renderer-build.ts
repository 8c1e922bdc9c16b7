/**
 * Builds the renderer (renderer/vite.config.ts → out/renderer) when the browser host is asked to serve it and no
 * build exists, so `npx pairscope serve` works from a fresh clone. Vite is a dev dependency: it is imported lazily,
 * and its absence is reported with the command to run instead.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './project-paths';

export async function ensureRendererBuilt(outDir: string, log: (line: string) => void): Promise<void> {
  if (existsSync(path.join(outDir, 'index.html'))) return;
  log(`pairscope: no renderer build in ${outDir}; building it once (vite build)…`);
  const vite = await import('vite').catch(() => null);
  if (!vite) {
    throw new Error('the renderer is not built and vite is not installed; run "npm install && npm run build:renderer"');
  }
  await vite.build({
    configFile: path.join(projectRoot, 'renderer', 'vite.config.ts'),
    build: { outDir },
    logLevel: 'warn',
  });
}
