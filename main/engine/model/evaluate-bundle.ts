/**
 * `pairscope eval` logic: embed a manifest's images and distinct captions with the Embedder, score ITC and
 * the ITM re-rank of the ITC top-k both ways (retrieval-eval.ts), and report recalls as fractions plus the
 * AliProducts challenge score (mean of text→image R@5 and R@10; spec §3).
 */
import type { Embedder } from './embedder';
import {
  distinctTexts,
  itmRerank,
  recallAt,
  similarity,
  transpose,
  type ManifestRow,
  type Recalls,
} from './retrieval-eval';

export interface EvalReport {
  itc: { i2t: Recalls; t2i: Recalls };
  itm?: { k_test: number; i2t: Recalls; t2i: Recalls };
  n: { images: number; texts: number };
  /** Mean of t2i R@5 and R@10 of the final ranking (ITM re-rank when run, else ITC). */
  aliproducts: number;
  aliproducts_itc: number;
  /** Items that could not be embedded, with file:line and the reason; they are left out of the figures. */
  skipped: string[];
  seconds: number;
}

export async function evaluateManifest(
  embedder: Embedder,
  rows: readonly ManifestRow[],
  options: {
    kTest: number;
    itm: boolean;
    log?: (line: string) => void;
    /**
     * ITC embeddings from the CLS features through other heads than the bundle's (a fine-tuned library version,
     * issue #10); ITM is unchanged (the fusion graph does not depend on the heads).
     */
    project?: { image: (cls: Float32Array) => Float32Array; text: (cls: Float32Array) => Float32Array };
  },
): Promise<EvalReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const skipped: string[] = [];

  const embedded = await embedder.embedImages(
    rows.map((r) => r.image),
    { keepTokens: options.itm },
  );
  const images: Array<{ id: string; emb: Float32Array; tokens?: Float32Array }> = [];
  embedded.forEach((r, i) => {
    if (r.ok) {
      const emb = options.project ? options.project.image(r.value.cls) : r.value.emb;
      images.push({ id: rows[i]!.id, emb, ...(r.value.tokens ? { tokens: r.value.tokens } : {}) });
    } else skipped.push(`line ${rows[i]!.line}: ${r.error.message}`);
  });
  log(`embedded ${images.length} images`);

  const distinct = distinctTexts(rows);
  const textResults = await embedder.embedTexts(distinct.map((t) => t.caption));
  const texts: Array<{ id: string; caption: string; emb: Float32Array }> = [];
  textResults.forEach((r, i) => {
    if (r.ok) texts.push({ ...distinct[i]!, emb: options.project ? options.project.text(r.value.cls) : r.value.emb });
    else skipped.push(`caption ${JSON.stringify(distinct[i]!.caption)} (id ${distinct[i]!.id}): ${r.error.message}`);
  });
  log(`embedded ${texts.length} captions`);

  const Ni = images.length;
  const Nt = texts.length;
  const sim = similarity(
    images.map((x) => x.emb),
    texts.map((t) => t.emb),
  );
  const simT = transpose(sim, Ni, Nt);
  const i2tMatch = (i: number, j: number) => images[i]!.id === texts[j]!.id;
  const t2iMatch = (j: number, i: number) => images[i]!.id === texts[j]!.id;
  const itc = { i2t: recallAt(sim, Ni, Nt, i2tMatch), t2i: recallAt(simT, Nt, Ni, t2iMatch) };
  const ali = (r: Recalls) => (r.r5 + r.r10) / 2;

  let itm: EvalReport['itm'];
  if (options.itm) {
    const k = options.kTest;
    const i2tScores = await itmRerank(sim, Ni, Nt, k, async (i, cands) => {
      const res = await embedder.itmImageTokensToTexts(
        images[i]!.tokens!,
        cands.map((j) => texts[j]!.caption),
      );
      return res.map((r) => (r.ok ? r.value : -1e4));
    });
    log('ITM re-rank image→text done');
    const t2iScores = await itmRerank(simT, Nt, Ni, k, async (j, cands) => {
      const logits = await embedder.itmLogitsWithImageTokens(
        texts[j]!.caption,
        cands.map((i) => images[i]!.tokens!),
      );
      return cands.map((_, n) => logits[n * 2 + 1]!);
    });
    log('ITM re-rank text→image done');
    itm = { k_test: k, i2t: recallAt(i2tScores, Ni, Nt, i2tMatch), t2i: recallAt(t2iScores, Nt, Ni, t2iMatch) };
  }
  return {
    itc,
    ...(itm ? { itm } : {}),
    n: { images: Ni, texts: Nt },
    aliproducts: ali((itm ?? itc).t2i),
    aliproducts_itc: ali(itc.t2i),
    skipped,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}
