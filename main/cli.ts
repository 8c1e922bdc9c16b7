/**
 * `pairscope` — the headless CLI on the same engine (DESIGN.md §1). Composition root for CLI runs.
 * Commands are the files of main/cli/ (see cli-command.ts); `pairscope --help` lists them.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type CliCommand, type CliIo, CliUsageError } from './cli-command';

const commandsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cli');

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** @example process.exitCode = await main(['serve', '--port', '8080']); */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(await overview());
    return name === undefined ? 2 : 0;
  }
  const names = await commandFileNames();
  if (!names.includes(name)) {
    io.stderr(`pairscope: unknown command "${name}". Commands: ${names.join(', ')}. See "pairscope --help".`);
    return 2;
  }
  const command = await loadCommand(name);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.stderr(`pairscope ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    // A failure a person can act on ends with its message, not a stack trace (PAIRSCOPE_DEBUG=1 shows the stack).
    io.stderr(`pairscope ${name}: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.PAIRSCOPE_DEBUG && error instanceof Error && error.stack) io.stderr(error.stack);
    return 1;
  }
}

async function overview(): Promise<string> {
  const lines = ['Usage: pairscope <command> [options]   (pairscope <command> --help for details)', '', 'Commands:'];
  for (const name of await commandFileNames()) {
    try {
      const command = await loadCommand(name);
      lines.push(`  ${name.padEnd(12)} ${command.summary}`);
    } catch (error) {
      lines.push(`  ${name.padEnd(12)} (broken: ${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return lines.join('\n');
}

async function commandFileNames(): Promise<string[]> {
  const files = await readdir(commandsDir);
  return files
    .filter((file) => /^[a-z][a-z0-9-]*\.ts$/.test(file) && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
}

async function loadCommand(name: string): Promise<CliCommand> {
  const file = path.join(commandsDir, `${name}.ts`);
  const module = (await import(pathToFileURL(file).href)) as { command?: CliCommand };
  const command = module.command;
  if (!command || typeof command.run !== 'function') {
    throw new Error(`main/cli/${name}.ts does not export "command: CliCommand"`);
  }
  if (command.name !== name) {
    throw new Error(`main/cli/${name}.ts exports a command named "${command.name}"; rename one to match`);
  }
  return command;
}
