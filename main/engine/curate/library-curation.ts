/**
 * Builds a library's Curation from the parts an ImportSession already opened (store, job runner, model, caption
 * index): the momentum heads come from the bundle's heads.safetensors (`vision_proj_m`/`text_proj_m`, spec §1.8),
 * ITM and caption re-encoding from the same in-process Embedder. Used by open-library.ts and the curate CLI.
 *
 * @example const curation = await curationFor(session, bundleDir); curation.ensureScored();
 */
import { readFile } from 'node:fs/promises';
import type { ImportSession } from '../ingest/import-session';
import { parseHeadsFile } from '../train/heads-file';
import { Curation } from './curation';
import { itmScorerOf } from './itm-scorer';

export async function curationFor(
  session: Pick<ImportSession, 'store' | 'embedder' | 'captions' | 'ingest'>,
  options: { author?: string } = {},
): Promise<Curation> {
  const { embedder } = session;
  const headsPath = embedder.bundle.file(embedder.manifest.heads);
  const momentum = parseHeadsFile(new Uint8Array(await readFile(headsPath)), headsPath).momentum;
  return new Curation({
    store: session.store,
    runner: session.ingest.runner,
    modelVersionId: session.ingest.modelVersionId,
    momentum,
    itm: itmScorerOf(embedder),
    encodeText: async (text) => {
      const [r] = await embedder.embedTexts([text]);
      if (!r!.ok) throw Object.assign(new Error(r!.error.message), { code: r!.error.code });
      return { emb: r!.value.emb, cls: r!.value.cls };
    },
    textIndex: session.captions,
    ...(options.author ? { author: options.author } : {}),
  });
}
