/**
 * bench/ingest: end-to-end ingest throughput on a real folder (read + sniff + hash + decode + EXIF + two WebP
 * thumbnails + model input + embedding + SQLite transaction + HNSW add) against the model-only rate, measured
 * in the same run on the same images (DESIGN §7), and the fraction of the import's wall time the model was busy.
 *
 *   npx tsx bench/ingest/run.ts --bundle DIR [--folder data/demo/images] [--images 64] [--batch 16]
 *                               [--concurrency 4] [--json FILE]
 * Order: model-only, end-to-end, model-only again (the two model-only runs bound the machine's drift), then the
 * preparation stage alone (no model) for the breakdown.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { decodeImage } from '../../main/engine/ingest/image-decode';
import { ImportSession } from '../../main/engine/ingest/import-session';
import { modelRgb } from '../../main/engine/ingest/model-input';
import { sniffImageFormat } from '../../main/engine/ingest/sniff';
import { ThumbnailCache } from '../../main/engine/ingest/thumbnails';
import { Embedder } from '../../main/engine/model/embedder';
import { normaliseInto } from '../../main/engine/model/preprocess';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    folder: { type: 'string', default: 'data/demo/images' },
    images: { type: 'string', default: '64' },
    batch: { type: 'string', default: '16' },
    concurrency: { type: 'string', default: '4' },
    json: { type: 'string' },
  },
});
if (!values.bundle) {
  console.error('usage: run.ts --bundle DIR [--folder DIR] [--images N] [--batch N] [--concurrency N] [--json FILE]');
  process.exit(2);
}
const bundleDir = path.resolve(values.bundle);
const batch = Number(values.batch);
const concurrency = Number(values.concurrency);

function listImages(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && /\.(jpe?g|png|webp|gif|svg|avif|tiff?)$/i.test(e.name)) out.push(path.join(e.parentPath, e.name));
  }
  return out.sort();
}

const all = listImages(path.resolve(values.folder));
// Spread the sample over the folder's sub-folders (photos, stamps, emoji) instead of taking the first ones.
const step = Math.max(1, Math.floor(all.length / Number(values.images)));
const files = all.filter((_, i) => i % step === 0).slice(0, Number(values.images));
const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-ingest-'));

/** `embedPixels` of the worker service transfers its buffer, so each batch gets its own copy (made before timing). */
async function modelOnly(embedder: Pick<Embedder, 'embedPixels'>, pixels: Float32Array, R: number): Promise<number> {
  const plane = 3 * R ** 2;
  const count = pixels.length / plane;
  const batches: { data: Float32Array; n: number }[] = [];
  for (let s = 0; s < count; s += batch) {
    const n = Math.min(batch, count - s);
    batches.push({ data: pixels.slice(s * plane, (s + n) * plane), n });
  }
  const t0 = performance.now();
  for (const b of batches) {
    const r = await embedder.embedPixels(b.data, b.n);
    if (r.some((x) => !x.ok)) throw new Error('model run failed');
  }
  return count / ((performance.now() - t0) / 1000);
}

try {
  const embedder = await Embedder.open(bundleDir, { batchSize: batch });
  const spec = embedder.spec;
  const plane = 3 * spec.resolution ** 2;
  // Inputs for the model-only runs, prepared outside the timed region.
  const pixels = new Float32Array(files.length * plane);
  for (const [i, f] of files.entries()) {
    const b = await readFile(f);
    normaliseInto(await modelRgb(await decodeImage(b, sniffImageFormat(b)!), spec), spec, pixels, i);
  }
  await modelOnly(embedder, pixels.subarray(0, Math.min(batch, files.length) * plane), spec.resolution); // warm-up (graph load)
  const modelRateBefore = await modelOnly(embedder, pixels, spec.resolution);

  const folder = path.join(tmp, 'photos');
  for (const [i, f] of files.entries()) {
    if (i === 0) (await import('node:fs')).mkdirSync(folder);
    copyFileSync(f, path.join(folder, `${String(i).padStart(5, '0')}-${path.basename(f)}`));
  }
  await embedder.dispose();
  const session = await ImportSession.open({
    library: path.join(tmp, 'lib'),
    bundleDir,
    batchSize: batch,
    concurrency,
  });
  await session.service!.embedPixels(pixels.subarray(0, plane).slice(), 1); // same warm-up for the pipeline's model
  // How long this thread (the one that would serve requests) was blocked during the import.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t0 = performance.now();
  const summary = await session.ingest.finished(session.ingest.importFolder(folder));
  const e2eSeconds = (performance.now() - t0) / 1000;
  loop.disable();
  const timing = session.ingest.timings.get(summary.jobId)!;
  if (summary.state !== 'done' || summary.imported + summary.reused !== files.length) {
    throw new Error(
      `import did not take every image: ${JSON.stringify({ ...summary, failedFiles: summary.failedFiles.slice(0, 3) })}`,
    );
  }
  const modelRateAfter = await modelOnly(session.service!, pixels, spec.resolution);
  await session.close();

  // Preparation alone: read + sniff + decode + thumbnails + model pixels, same concurrency, no model, no store.
  const thumbs = new ThumbnailCache(path.join(tmp, 'prep-cache'));
  const tp = performance.now();
  for (let s = 0; s < files.length; s += concurrency) {
    await Promise.all(
      files.slice(s, s + concurrency).map(async (f, k) => {
        const b = await readFile(f);
        const d = await decodeImage(b, sniffImageFormat(b)!);
        await thumbs.write(String(s + k).padStart(64, '0'), d);
        await modelRgb(d, spec);
      }),
    );
  }
  const prepRate = files.length / ((performance.now() - tp) / 1000);

  const e2eRate = files.length / e2eSeconds;
  const modelRate = (modelRateBefore + modelRateAfter) / 2;
  const result = {
    bundle: path.basename(bundleDir),
    resolution: spec.resolution,
    folder: values.folder,
    images: files.length,
    megabytes: +(bytes / 1e6).toFixed(1),
    batch,
    concurrency,
    cpus: os.availableParallelism(),
    modelOnlyImagesPerSec: { before: +modelRateBefore.toFixed(2), after: +modelRateAfter.toFixed(2) },
    prepOnlyImagesPerSec: +prepRate.toFixed(2),
    endToEndImagesPerSec: +e2eRate.toFixed(2),
    endToEndOverModelOnly: +(e2eRate / modelRate).toFixed(3),
    modelBusyFraction: +(timing.modelMs / timing.wallMs).toFixed(3),
    pipelineWallSeconds: +(timing.wallMs / 1000).toFixed(2),
    jobWallSeconds: +e2eSeconds.toFixed(2),
    eventLoopDelayMs: {
      p50: +(loop.percentile(50) / 1e6).toFixed(1),
      p99: +(loop.percentile(99) / 1e6).toFixed(1),
      max: +(loop.max / 1e6).toFixed(1),
    },
  };
  console.log(JSON.stringify(result, null, 2));
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2) + '\n');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
