/**
 * Handlers of the `library.*`, `media.*`, `searches.*` and `settings.*` methods (main/api.ts) over the open
 * library's MediaCatalog and LibrarySettings (main/engine/library).
 */
import { ApiError, type ApiHandlers } from '../api';
import type { AppContext } from '../app-context';

type Names =
  | 'library.overview'
  | 'library.rootContents'
  | 'library.removeRoot'
  | 'media.list'
  | 'media.items'
  | 'media.get'
  | 'searches.list'
  | 'searches.save'
  | 'searches.remove'
  | 'settings.get'
  | 'settings.set';

const NOT_OPEN = 'No library is open: start Pairscope with --library PATH';

export function createLibraryHandlers(ctx: AppContext): Pick<ApiHandlers, Names> {
  const catalog = () => {
    if (!ctx.catalog || ctx.libraryPath === null) throw new ApiError('library_not_open', NOT_OPEN);
    return ctx.catalog;
  };
  const settings = () => {
    if (!ctx.settings || ctx.libraryPath === null) throw new ApiError('library_not_open', NOT_OPEN);
    return ctx.settings;
  };
  return {
    'library.overview': () => ({ libraryPath: ctx.libraryPath ?? '', ...catalog().overview() }),
    'library.rootContents': ({ root }) => withSettingsErrors(() => settings().rootContents(root)),
    'library.removeRoot': ({ root }) => withSettingsErrors(() => settings().removeRoot(root)),
    'media.list': ({ filter, order, offset, limit }) =>
      catalog().list(filter ?? {}, order ?? 'newest', offset ?? 0, limit ?? 200),
    'media.items': ({ mediaIds }) => catalog().items(mediaIds),
    'media.get': ({ mediaId }) => {
      const detail = catalog().detail(mediaId);
      if (!detail) throw new ApiError('not_found', `no photo with id ${mediaId}`, 'input.mediaId');
      return detail;
    },
    'searches.list': () => ({ searches: catalog().savedSearches() }),
    'searches.save': (search) => ({ searches: catalog().saveSearch(search) }),
    'searches.remove': ({ name }) => ({ searches: catalog().removeSearch(name) }),
    'settings.get': () => settings().get(),
    'settings.set': (change) => withSettingsErrors(() => settings().set(change)),
  };
}

/** A SettingsError (engine) crosses the boundary as an ApiError with the same code and its field under `input.`. */
async function withSettingsErrors<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const e = error as { name?: unknown; code?: unknown; message?: unknown; field?: unknown };
    if (e?.name === 'SettingsError' && typeof e.code === 'string') {
      throw new ApiError(e.code, String(e.message), typeof e.field === 'string' ? `input.${e.field}` : undefined);
    }
    throw error;
  }
}
