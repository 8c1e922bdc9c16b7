import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Embedder } from './embedder';

/*
 * The whole TypeScript pipeline — image FILES through sharp + resampling + normalisation, caption
 * STRINGS through pre_caption + WordPiece, then ONNX Runtime — against PyTorch on the same files and
 * strings (test/fixtures/pipeline-parity/generate.py). Issue #5: cosine ≥ 0.999 per item.
 */
const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/pipeline-parity');

interface Reference {
  bundle: string;
  images: Array<{ file: string; emb: number[]; cls: number[] }>;
  captions: Array<{ text: string; ids: number[]; emb: number[]; cls: number[] }>;
  itm: { caption0_vs_images: number[]; image0_vs_captions: number[] };
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

const cases: Array<{ name: string; reference: string; bundle?: string }> = [
  { name: 'tiny-albef fixture', reference: 'tiny-albef.json' },
];
// The bundled default model joins once its reference is generated (generate.py BUNDLE --checkpoint ...).
if (existsSync(path.join(FIXTURES, 'albef-emoji-small.json'))) {
  cases.push({ name: 'bundled albef-emoji-small', reference: 'albef-emoji-small.json' });
}

describe.each(cases)('pipeline parity with PyTorch: $name', ({ reference }) => {
  const ref = JSON.parse(readFileSync(path.join(FIXTURES, reference), 'utf8')) as Reference;
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await Embedder.open(path.join(ROOT, ref.bundle), { providers: ['cpu'], threads: 2, batchSize: 4 });
  });
  afterAll(() => embedder.dispose());

  it('embeds every image file with cosine ≥ 0.999 to PyTorch, for the projection and the CLS feature', async () => {
    const results = await embedder.embedImages(ref.images.map((r) => path.join(FIXTURES, r.file)));
    const rows = results.map((r, i) => {
      if (!r.ok) throw new Error(`${ref.images[i]!.file}: ${r.error.message}`);
      return {
        file: ref.images[i]!.file,
        emb: cosine(r.value.emb, ref.images[i]!.emb),
        cls: cosine(r.value.cls, ref.images[i]!.cls),
      };
    });
    console.log(
      `image parity (${ref.bundle}): min cosine emb ${Math.min(...rows.map((r) => r.emb)).toFixed(6)}, cls ${Math.min(...rows.map((r) => r.cls)).toFixed(6)}`,
    );
    for (const r of rows) {
      expect(r.emb, r.file).toBeGreaterThanOrEqual(0.999);
      expect(r.cls, r.file).toBeGreaterThanOrEqual(0.999);
    }
  });

  it('tokenizes every caption string to the Python token ids and embeds it with cosine ≥ 0.999', async () => {
    const results = await embedder.embedTexts(ref.captions.map((c) => c.text));
    const rows = results.map((r, i) => {
      const c = ref.captions[i]!;
      if (!r.ok) throw new Error(`${c.text}: ${r.error.message}`);
      expect(r.value.ids, c.text).toEqual(c.ids);
      return { text: c.text, emb: cosine(r.value.emb, c.emb), cls: cosine(r.value.cls, c.cls) };
    });
    console.log(
      `text parity (${ref.bundle}): min cosine emb ${Math.min(...rows.map((r) => r.emb)).toFixed(6)}, cls ${Math.min(...rows.map((r) => r.cls)).toFixed(6)}`,
    );
    for (const r of rows) {
      expect(r.emb, r.text).toBeGreaterThanOrEqual(0.999);
      expect(r.cls, r.text).toBeGreaterThanOrEqual(0.999);
    }
  });

  it('gives the PyTorch ITM match logits for one caption against all images and one image against all captions', async () => {
    const files = ref.images.map((r) => path.join(FIXTURES, r.file));
    const t2i = await embedder.itmTextToImages(ref.captions[0]!.text, files);
    const i2t = await embedder.itmImageToTexts(
      files[0]!,
      ref.captions.map((c) => c.text),
    );
    const got = [...t2i, ...i2t].map((r) => (r.ok ? r.value : Number.NaN));
    const want = [...ref.itm.caption0_vs_images, ...ref.itm.image0_vs_captions];
    const worst = Math.max(...got.map((g, i) => Math.abs(g - want[i]!)));
    console.log(`itm parity (${ref.bundle}): max |Δlogit| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-2);
  });
});
