#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npx pairscope ...` works from a fresh clone with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
