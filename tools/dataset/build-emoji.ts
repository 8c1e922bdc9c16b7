/**
 * Build the emoji image–caption set with the fixed split of datasets.md.
 *   npx tsx tools/dataset/build-emoji.ts --out data/emoji --size 128 [--limit N] [--jobs 4]
 * Writes images/<style>/<key>.png, train_core / train_ext / test_fluent{,_seen,_novel}.jsonl,
 * LICENSES.md, and READY (JSON counts) last, so a waiting consumer can poll for READY.
 */
import { mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { writeJsonl, toRecord, imagePath } from "./manifest";
import { rasterise } from "./render";
import {
  loadConcepts,
  loadStyleImages,
  ALL_STYLES,
  type Style,
} from "./sources";
import { buildSplit, type Pair } from "./split";
import { emojiLicenceText } from "./licences";

async function pool<T>(
  items: readonly T[],
  jobs: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, jobs) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: "data/emoji" },
      size: { type: "string", default: "128" },
      jobs: { type: "string", default: "4" },
      // Skip re-rasterising PNGs that already exist (same --out and --size); off by default.
      "keep-images": { type: "boolean", default: false },
    },
  });
  const out = resolve(values.out!);
  const size = Number(values.size);
  if (!Number.isInteger(size) || size < 8 || size > 1024)
    throw new Error(`--size must be an integer in 8..1024, got ${values.size}`);
  const t0 = Date.now();
  mkdirSync(out, { recursive: true });
  rmSync(join(out, "READY"), { force: true });

  const concepts = loadConcepts("en");
  const images = Object.fromEntries(
    ALL_STYLES.map((s) => [s, loadStyleImages(s)]),
  ) as Record<Style, Map<string, string>>;
  const split = buildSplit(concepts, images);

  // One PNG per (style, concept): ext ⊇ core for the train styles, fluent for the test.
  const toRender = new Map<string, Pair>();
  for (const p of [...split.ext, ...split.fluent])
    toRender.set(imagePath(p.style, p.concept.key), p);
  for (const s of ALL_STYLES)
    mkdirSync(join(out, "images", s), { recursive: true });
  sharp.concurrency(1);
  let done = 0;
  const failures: string[] = [];
  await pool([...toRender.entries()], Number(values.jobs), async ([rel, p]) => {
    const dest = join(out, rel);
    if (!(values["keep-images"] && existsSync(dest))) {
      try {
        writeFileSync(dest, await rasterise(p.source, size));
      } catch (e) {
        failures.push(`${p.source}: ${(e as Error).message}`);
        return;
      }
    }
    if (++done % 1000 === 0)
      console.log(
        `rendered ${done}/${toRender.size} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
      );
  });
  if (failures.length) {
    // A package image that will not decode is a real defect in the inputs: stop before writing manifests that point at it.
    console.error(failures.join("\n"));
    throw new Error(`${failures.length} images failed to rasterise`);
  }

  const manifests = {
    train_core: split.core,
    train_ext: split.ext,
    test_fluent_seen: split.fluentSeen,
    test_fluent_novel: split.fluentNovel,
    test_fluent: split.fluent,
  };
  for (const [name, pairs] of Object.entries(manifests))
    writeJsonl(join(out, `${name}.jsonl`), pairs.map(toRecord));
  writeFileSync(join(out, "LICENSES.md"), emojiLicenceText());
  const counts = Object.fromEntries(
    Object.entries(manifests).map(([k, v]) => [k, v.length]),
  );
  const ready = {
    size,
    images: toRender.size,
    concepts_all_four_styles: split.allFour.length,
    core_concepts: new Set(split.core.map((p) => p.concept.key)).size,
    counts,
    seconds: Math.round((Date.now() - t0) / 1000),
  };
  writeFileSync(join(out, "READY"), JSON.stringify(ready, null, 2) + "\n");
  console.log(JSON.stringify(ready));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
