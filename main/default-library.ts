/**
 * The library Pairscope opens when the person did not name one (`npm start`, the Electron window, `pairscope serve`
 * without --library): the demo library (issue #7) once `pairscope demo` has built it in data/demo-library, else none.
 * Every shell asks this one function, so changing it changes them all.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './project-paths';

/** Where `pairscope demo` (main/cli/demo.ts) writes the demo library. */
export const demoLibraryDir = path.join(projectRoot, 'data', 'demo-library');

export function defaultLibraryPath(): string | null {
  return existsSync(path.join(demoLibraryDir, 'library.pairscope')) ? demoLibraryDir : null;
}
