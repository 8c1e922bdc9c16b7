/**
 * The shape of one CLI command. Every `main/cli/<name>.ts` (except tests) is a command: it exports
 * `command: CliCommand` whose `name` equals the file name. main/cli.ts finds them by listing the folder, so adding
 * a command is adding one file. Keep heavy imports (onnxruntime, sqlite) inside `run` (dynamic `import()`), so
 * that `pairscope --help` stays fast.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { projectRoot } from './project-paths';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface CliCommand {
  name: string;
  /** One line for `pairscope --help`. */
  summary: string;
  /** Full usage text for `pairscope <name> --help`: synopsis, options, one example. */
  usage: string;
  /** Resolves to the process exit code. `args` excludes the command name. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Thrown for a bad command line; main/cli.ts prints the message and the command's usage, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** `node:util` parseArgs with its errors turned into CliUsageError (message names the option). */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Parses an integer option, naming the option in the error. */
export function integerOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new CliUsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}

/** `--library L` of a command that reads an existing library: its SQLite file and cache folder, else a usage error. */
export async function existingLibraryOption(value: string | undefined): Promise<{ dbFile: string; cacheDir: string }> {
  if (!value) throw new CliUsageError('--library is required');
  const { libraryFiles } = await import('./engine/ingest/import-session');
  const files = libraryFiles(value);
  if (!existsSync(files.dbFile)) throw new CliUsageError(`--library: no library at ${files.dbFile}`);
  return files;
}

/** `--bundle DIR` (or `--model DIR`): the given folder, else $PAIRSCOPE_BUNDLE, else the first in resources/models. */
export function bundleOption(given: string | undefined): string {
  const candidate = given ?? process.env.PAIRSCOPE_BUNDLE;
  if (candidate) return path.resolve(candidate);
  const models = path.join(projectRoot, 'resources', 'models');
  const found = existsSync(models)
    ? readdirSync(models).find((d) => existsSync(path.join(models, d, 'manifest.json')))
    : undefined;
  if (!found) throw new CliUsageError(`no model bundle: pass --bundle DIR (none in ${models})`);
  return path.join(models, found);
}
