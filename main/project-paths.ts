/**
 * Where the checked-out project's folders are, for Node-run code (CLI, browser host, tests). The Electron shell
 * reaches it too (main/default-library.ts), bundled into out/main; its model and page paths come from main/index.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The project folder: this file's parent from source (main/), two levels up inside the Electron bundle (out/main/). */
export const projectRoot = path.resolve(here, /[\\/]out[\\/]main$/.test(here) ? '../..' : '..');

/** Output of `npm run build:renderer` (and of electron-vite's renderer build): what the browser host serves. */
export const rendererBuildDir = path.join(projectRoot, 'out', 'renderer');

/** The bundled default model (issue #4); the CLI's --model and the browser host's bundleDir default to it. */
export const defaultBundleDir = path.join(projectRoot, 'resources', 'models', 'albef-emoji-small');

export function readProjectVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
