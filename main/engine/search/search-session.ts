import { join } from 'node:path';
import { LibraryStore } from '../store/library-store';
import { VectorIndex, type IndexOpenStatus } from '../vector/vector-index';
import { ImageTokenCache } from './image-token-cache';
import { IDENTITY_CALIBRATION, type ItmCalibration } from './itm-calibration';
import { LibrarySearch } from './library-search';
import type { QueryEncoder } from './query-encoder';
import { SearchError } from './search-error';

export interface SearchSessionOptions {
  /** Model version (model_versions.name) to search; default: the encoder's, else the library's only one. */
  modelVersion?: string;
  /** Image-token cache folder; default `<library>.cache/itm-tokens`. */
  tokenCacheDir?: string;
  /** Byte budget of the token cache; default 512 MiB. */
  tokenCacheBytes?: number;
}

export interface SearchSession {
  readonly search: LibrarySearch;
  readonly store: LibraryStore;
  readonly modelVersion: string;
  readonly images: VectorIndex;
  readonly captions: VectorIndex;
  /** How each index came up: loaded from its stored graph, or rebuilt and why (shown to the person). */
  readonly indexStatus: { images: IndexOpenStatus; captions: IndexOpenStatus };
  close(): void;
}

/** Settings key of the ITM calibration of one model version (see itm-calibration.ts). */
export const calibrationKey = (modelVersion: string) => `itm.calibration.${modelVersion}`;

/**
 * Opens a library for searching: store (lock, migrations), the image and caption indexes of one model
 * version, the token cache and the stored ITM calibration. Close order: indexes, then the store
 * (statements, db, lock).
 */
export function openSearchSession(
  file: string,
  encoder: QueryEncoder,
  options: SearchSessionOptions = {},
): SearchSession {
  const store = LibraryStore.open(file);
  const opened: VectorIndex[] = [];
  try {
    const versions = store.modelVersions.list();
    const wanted = options.modelVersion ?? encoder.modelVersion;
    const mv =
      versions.find((v) => v.name === wanted) ??
      (options.modelVersion === undefined && versions.length === 1 ? versions[0] : undefined);
    if (!mv) {
      throw new SearchError(
        'UNKNOWN_ITEM',
        `Library ${file} has no embeddings for model version "${wanted}" (it has: ${versions.map((v) => v.name).join(', ') || 'none — import some images first'})`,
      );
    }
    if (mv.embedDim !== encoder.embedDim) {
      throw new SearchError(
        'BAD_QUERY',
        `Library ${file} was embedded with "${mv.name}" (${mv.embedDim}-d); the model bundle gives ${encoder.embedDim}-d vectors`,
      );
    }
    const images = VectorIndex.open(store, mv.id, 'image', { dim: mv.embedDim });
    opened.push(images);
    const captions = VectorIndex.open(store, mv.id, 'text', { dim: mv.embedDim });
    opened.push(captions);
    const tokenCache = new ImageTokenCache(
      options.tokenCacheDir ?? join(`${file}.cache`, 'itm-tokens'),
      options.tokenCacheBytes ?? 512 * 1024 * 1024,
    );
    const calibration =
      (store.settings.get(calibrationKey(mv.name)) as ItmCalibration | undefined) ?? IDENTITY_CALIBRATION;
    const search = new LibrarySearch({
      store,
      encoder,
      modelVersionId: mv.id,
      images,
      captions,
      tokenCache,
      calibration,
    });
    let closed = false;
    return {
      search,
      store,
      modelVersion: mv.name,
      images,
      captions,
      indexStatus: { images: images.status, captions: captions.status },
      close() {
        if (closed) return;
        closed = true;
        captions.dispose();
        images.dispose();
        store.close();
      },
    };
  } catch (e) {
    for (const index of opened.reverse()) index.dispose({ persist: false });
    store.close();
    throw e;
  }
}
