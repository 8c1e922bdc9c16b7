/**
 * What the photo-album UI reads about a library (issue #8): the grid's pages, the sidebar's roots, folders and
 * pair collections, one photo's details with its captions scored against it, saved searches,
 * and the one place that turns a media id into a file the browser host may send (DESIGN.md §8: nothing outside
 * the library's roots and its thumbnail cache is ever served).
 */
import { realpath, stat } from 'node:fs/promises';
import { extname, relative, isAbsolute } from 'node:path';
import type { ThumbnailCache, ThumbnailSize } from '../ingest/thumbnails';
import type { BrowseOrder, BrowseQueries } from '../store/browse-queries';
import type { LibraryStore } from '../store/library-store';
import type { MediaFilter } from '../store/media-filter';

export type MediaVariant = ThumbnailSize | 'original';

export interface SavedSearch {
  name: string;
  text?: string;
  minScore?: number;
  filter?: MediaFilter;
}

export interface MediaCatalogParts {
  store: LibraryStore;
  browse: BrowseQueries;
  thumbnails: ThumbnailCache;
  modelVersionId: number;
}

const SAVED_SEARCHES_KEY = 'ui.savedSearches';
const ORIGINAL_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.bmp': 'image/bmp',
};

export class MediaCatalog {
  private overviewCache: { revision: number; value: ReturnType<MediaCatalog['computeOverview']> } | null = null;

  private idsCache: { key: string; ids: Int32Array } | null = null;

  constructor(private readonly parts: MediaCatalogParts) {}

  /** Sidebar facts; recomputed only when the media table changed (a 100k-row library takes ~0.5 s to count). */
  overview() {
    const revision = this.parts.browse.revision();
    if (this.overviewCache?.revision !== revision) {
      this.overviewCache = { revision, value: this.computeOverview() };
    }
    return { ...this.overviewCache.value, collections: this.parts.browse.collections() };
  }

  private computeOverview() {
    const { browse, store } = this.parts;
    return {
      total: store.media.count(),
      roots: browse.roots(),
      folders: browse.folders(),
      collections: browse.collections(),
      kinds: browse.kinds(),
    };
  }

  /**
   * A page of the grid. The ordered id list of the current filter is kept until the media table changes, so
   * scrolling a 100k-photo grid costs one sort, then an id lookup per page (docs/ui.md has the figures).
   */
  list(filter: MediaFilter, order: BrowseOrder, offset: number, limit: number) {
    const { browse } = this.parts;
    const key = `${JSON.stringify(filter)}|${order}|${browse.revision()}`;
    if (this.idsCache?.key !== key) this.idsCache = { key, ids: browse.orderedIds(filter, order) };
    const { ids } = this.idsCache;
    return { items: browse.byIds(ids.subarray(offset, offset + limit)), total: ids.length };
  }

  /** Grid items for these ids, in the order given (search results drawn with their pair's caption). */
  items(ids: readonly number[]) {
    return { items: this.parts.browse.byIds(ids) };
  }

  /** One photo with its captions, each scored by cosine(image, caption) in the model's joint space (ITC, §3). */
  detail(mediaId: number) {
    const { store, browse, modelVersionId } = this.parts;
    const m = store.media.byId(mediaId);
    if (!m) return null;
    const image = browse.imageVector(modelVersionId, mediaId);
    const captions = browse.captionsOf(modelVersionId, mediaId).map(({ vector, ...c }) => ({
      ...c,
      score: image && vector ? dot(image, vector) : null,
    }));
    captions.sort((a, b) => (b.score ?? -2) - (a.score ?? -2));
    return {
      mediaId: m.id,
      path: m.path,
      root: m.root,
      kind: m.kind,
      size: m.size,
      width: m.width,
      height: m.height,
      takenAt: m.takenAt,
      mtimeMs: m.mtimeMs,
      camera: m.camera,
      captions,
    };
  }

  savedSearches(): SavedSearch[] {
    const v = this.parts.store.settings.get(SAVED_SEARCHES_KEY);
    return Array.isArray(v) ? (v as SavedSearch[]) : [];
  }

  saveSearch(search: SavedSearch): SavedSearch[] {
    const list = this.savedSearches().filter((s) => s.name !== search.name);
    list.push(search);
    list.sort((a, b) => a.name.localeCompare(b.name));
    this.parts.store.settings.set(SAVED_SEARCHES_KEY, list);
    return list;
  }

  removeSearch(name: string): SavedSearch[] {
    const list = this.savedSearches().filter((s) => s.name !== name);
    this.parts.store.settings.set(SAVED_SEARCHES_KEY, list);
    return list;
  }

  /**
   * The file to send for a media id, or null. Thumbnails come from the cache by content hash; an original only
   * when its real path (symlinks resolved) still lies inside its library root — a moved or linked-out file is refused.
   */
  async fileFor(mediaId: number, variant: MediaVariant): Promise<{ file: string; contentType: string } | null> {
    const m = this.parts.store.media.byId(mediaId);
    if (!m) return null;
    if (variant !== 'original') {
      if (!m.thumbKey) return null;
      const file = this.parts.thumbnails.pathOf(m.thumbKey, variant);
      return (await isFile(file)) ? { file, contentType: 'image/webp' } : null;
    }
    const contentType = ORIGINAL_TYPES[extname(m.path).toLowerCase()];
    if (!contentType) return null;
    const [file, root] = await Promise.all([realpath(m.path).catch(() => null), realpath(m.root).catch(() => null)]);
    if (!file || !root) return null;
    const rel = relative(root, file);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
    return (await isFile(file)) ? { file, contentType } : null;
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length && i < b.length; i++) s += a[i]! * b[i]!;
  return s;
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null))?.isFile() ?? false;
}
