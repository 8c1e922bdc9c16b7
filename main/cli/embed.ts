/** `pairscope embed`: image files and captions → one JSON line of embeddings per item (model runtime, helper R). */
import path from 'node:path';
import { type CliCommand, CliUsageError, integerOption, parseCommandArgs } from '../cli-command';
import { projectRoot } from '../project-paths';

export const DEFAULT_BUNDLE = path.join(projectRoot, 'resources', 'models', 'albef-emoji-small');
const PROVIDERS = ['cuda', 'webgpu', 'dml', 'coreml', 'cpu'] as const;

export const command: CliCommand = {
  name: 'embed',
  summary: 'embed image files and captions with an ALBEF bundle, one JSON line per item',
  usage: `Usage: pairscope embed [FILES...] [--text "caption"]... [--bundle DIR] [--features] [--batch N] [--threads N] [--provider P]

Prints one JSON line per image ({"file","embedding"}) and per caption ({"text","ids","embedding"}), in input
order. An item that cannot be embedded prints {"file"|"text","error":{"code","message"}}; the others still
embed, and the exit code is 1.
  --bundle DIR    model bundle (default: resources/models/albef-emoji-small)
  --text T        a caption to embed (repeatable)
  --features      also print the CLS feature before the projection ("feature")
  --batch N       items per model run (default 16)
  --threads N     CPU threads for ONNX Runtime (default: all cores)
  --provider P    execution provider to try first: cuda, webgpu, dml, coreml or cpu (CPU is always the fallback)

Example: pairscope embed photo.jpg --text "a red apple" --bundle test/fixtures/tiny-albef`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      bundle: { type: 'string' },
      text: { type: 'string', multiple: true },
      features: { type: 'boolean' },
      batch: { type: 'string' },
      threads: { type: 'string' },
      provider: { type: 'string' },
    });
    const texts = values.text ?? [];
    if (positionals.length === 0 && texts.length === 0)
      throw new CliUsageError('give at least one image file or --text');
    const provider = values.provider;
    if (provider !== undefined && !(PROVIDERS as readonly string[]).includes(provider)) {
      throw new CliUsageError(`--provider must be one of ${PROVIDERS.join(', ')}, got "${provider}"`);
    }
    const batchSize = integerOption('batch', values.batch, 1, 4096);
    const threads = integerOption('threads', values.threads, 1, 1024);
    const { Embedder } = await import('../engine/model/embedder');
    const embedder = await Embedder.open(path.resolve(values.bundle ?? DEFAULT_BUNDLE), {
      ...(batchSize ? { batchSize } : {}),
      ...(threads ? { threads } : {}),
      ...(provider ? { providers: [provider as (typeof PROVIDERS)[number]] } : {}),
    });
    let failed = 0;
    const vec = (a: Float32Array) => Array.from(a, (v) => Number(v.toPrecision(7)));
    try {
      const images = await embedder.embedImages(positionals);
      images.forEach((r, i) => {
        const file = positionals[i]!;
        if (!r.ok) failed++;
        io.stdout(
          JSON.stringify(
            r.ok
              ? { file, embedding: vec(r.value.emb), ...(values.features ? { feature: vec(r.value.cls) } : {}) }
              : { file, error: { code: r.error.code, message: r.error.message } },
          ),
        );
      });
      const encoded = await embedder.embedTexts(texts);
      encoded.forEach((r, i) => {
        const text = texts[i]!;
        if (!r.ok) failed++;
        io.stdout(
          JSON.stringify(
            r.ok
              ? {
                  text,
                  ids: r.value.ids,
                  embedding: vec(r.value.emb),
                  ...(values.features ? { feature: vec(r.value.cls) } : {}),
                }
              : { text, error: { code: r.error.code, message: r.error.message } },
          ),
        );
      });
      const providers = await embedder.providers();
      io.stderr(
        `embed: ${positionals.length + texts.length - failed} embedded, ${failed} failed; providers ${Object.entries(
          providers,
        )
          .map(([g, p]) => `${g}=${p!.provider}`)
          .join(' ')}`,
      );
    } finally {
      await embedder.dispose();
    }
    return failed > 0 ? 1 : 0;
  },
};
