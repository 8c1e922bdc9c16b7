// Starts graph-build-worker.ts from source (tsx, vitest, `node --import tsx`): a worker thread does not inherit the
// parent's TypeScript loader, so it registers tsx itself before importing the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./graph-build-worker.ts');
