/**
 * manifest.json of a model bundle, exactly as docs/bundle-format.md describes it. The schema is
 * the app-side half of the contract with tools/albef; the exporter writes it, we only read it.
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();
const rgbTriple = z.tuple([z.number(), z.number(), z.number()]);
/** Bundle-relative file name: no absolute paths, no way out of the bundle folder. */
const fileName = z
  .string()
  .min(1)
  .refine((name) => !name.startsWith('/') && !name.includes('\\') && !name.split('/').includes('..'), {
    message: 'must be a file name inside the bundle folder',
  });

const graphSet = z.object({ vision: fileName, text: fileName, fusion: fileName });

export const manifestSchema = z.object({
  format: z.literal('pairscope-albef-bundle'),
  formatVersion: z.literal(1),
  name: z.string().min(1),
  description: z.string(),
  source: z.object({
    kind: z.enum(['trained-here', 'official']),
    checkpoint: z.string().optional(),
    sha256: z.string().optional(),
  }),
  architecture: z.object({
    family: z.literal('albef'),
    image_res: positiveInt,
    patch_size: positiveInt,
    vision_width: positiveInt,
    vision_depth: positiveInt,
    vision_heads: positiveInt,
    vision_mlp_ratio: z.number().positive(),
    vision_ln_eps: z.number().positive(),
    text_width: positiveInt,
    text_layers: positiveInt,
    fusion_layer: z.number().int().nonnegative(),
    text_heads: positiveInt,
    text_intermediate: positiveInt,
    text_ln_eps: z.number().positive(),
    vocab_size: positiveInt,
    max_position_embeddings: positiveInt,
    type_vocab_size: positiveInt,
    embed_dim: positiveInt,
  }),
  image: z.object({
    resolution: positiveInt,
    mean: rgbTriple,
    std: rgbTriple.refine((s) => s.every((v) => v > 0), { message: 'std must be > 0' }),
    resize: z.literal('bicubic-square'),
    background: rgbTriple.refine((c) => c.every((v) => Number.isInteger(v) && v >= 0 && v <= 255), {
      message: 'background must be three integers in 0..255',
    }),
  }),
  text: z.object({
    vocab: fileName,
    lowercase: z.boolean(),
    strip_accents: z.boolean(),
    pre_caption: z.object({ max_words: positiveInt }),
    add_sep: z.boolean(),
    max_length: z.number().int().min(2),
    special_tokens: z.object({
      pad: z.string(),
      unk: z.string(),
      cls: z.string(),
      sep: z.string(),
      mask: z.string(),
    }),
  }),
  temp: z.number().positive(),
  itm: z.object({ k_test: positiveInt }),
  graphs: graphSet,
  graphs_fp16: graphSet.optional(),
  heads: fileName,
  files: z.record(
    fileName,
    z.object({
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
      bytes: z.number().int().nonnegative(),
    }),
  ),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type GraphName = keyof Manifest['graphs'];

/** Parse untrusted JSON; on failure the message names the first bad field, e.g. `image.mean[2]`. */
export function parseManifest(json: unknown): { ok: true; manifest: Manifest } | { ok: false; problems: string[] } {
  const result = manifestSchema.safeParse(json);
  if (result.success) return { ok: true, manifest: result.data };
  const problems = result.error.issues.map((issue) => {
    // A bad key of `files` reports its reason one level down.
    const nested =
      'issues' in issue && Array.isArray(issue.issues) ? issue.issues.map((i: { message: string }) => i.message) : [];
    return `field \`${formatPath(issue.path)}\`: ${[issue.message, ...nested].join(': ')}`;
  });
  return { ok: false, problems };
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}
