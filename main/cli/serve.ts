/** `pairscope serve`: the browser host (main/server.ts) on 127.0.0.1 until Ctrl-C. */
import path from 'node:path';
import { type CliCommand, CliUsageError, integerOption, parseCommandArgs } from '../cli-command';
import { defaultLibraryPath } from '../default-library';
import { rendererBuildDir } from '../project-paths';

export const command: CliCommand = {
  name: 'serve',
  summary: 'serve the app to a browser on 127.0.0.1 (HTTP + WebSocket, token required)',
  usage: `Usage: pairscope serve [--port N] [--token T] [--library PATH] [--host 127.0.0.1] [--json]

Starts the browser host and prints the URL to open (it carries the per-launch token).
  --port N        port on 127.0.0.1 (default 0: any free port)
  --token T       token to require (default: 32 random bytes); A-Z a-z 0-9 . _ ~ -
  --library PATH  library to open (default: the bundled demo library, when there is one)
  --model DIR     model bundle for the library (default: resources/models/albef-emoji-small)
  --host H        only 127.0.0.1 is accepted; anything else is refused
  --json          print {"url","port","token"} as one JSON line once listening

Example: pairscope serve --port 8080 --token secret   →   http://127.0.0.1:8080/?token=secret`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      port: { type: 'string' },
      token: { type: 'string' },
      library: { type: 'string' },
      model: { type: 'string' },
      host: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new CliUsageError(`unexpected "${positionals[0]}"`);
    const port = integerOption('port', values.port, 0, 65535) ?? 0;
    const { assertUsableToken, newToken } = await import('../server/auth');
    const { assertLoopbackHost } = await import('../server');
    // Refuse a bad bind address or token before spending time on a build.
    if (values.host !== undefined) assertLoopbackHost(values.host);
    const token = values.token ?? newToken();
    assertUsableToken(token);
    const libraryPath = values.library !== undefined ? path.resolve(values.library) : defaultLibraryPath();

    const { ensureRendererBuilt } = await import('../renderer-build');
    await ensureRendererBuilt(rendererBuildDir, io.stderr);
    const { openNodeHost } = await import('../node-host');
    const host = await openNodeHost({
      port,
      token,
      libraryPath,
      ...(values.model !== undefined ? { bundleDir: path.resolve(values.model) } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
    });
    const { url } = host.browserHost;
    if (values.json) io.stdout(JSON.stringify({ url, port: host.browserHost.port, token }));
    else io.stdout(`Pairscope browser host: ${url}`);

    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await host.close();
    return 0;
  },
};
