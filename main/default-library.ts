/**
 * The library Pairscope opens when the person did not name one (`npm start`, the Electron window, `pairscope serve`
 * without --library). Hook for later issues: return the bundled demo library here once it exists; every shell asks
 * this one function, so changing it changes them all.
 */
export function defaultLibraryPath(): string | null {
  return null;
}
