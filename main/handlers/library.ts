/** Handlers of the `library.*`, `media.*`, `searches.*` and `settings.*` methods (main/api.ts) over MediaCatalog. */
import { availableParallelism } from 'node:os';
import { ApiError, type ApiHandlers } from '../api';
import type { AppContext } from '../app-context';

type Names =
  | 'library.overview'
  | 'media.list'
  | 'media.get'
  | 'searches.list'
  | 'searches.save'
  | 'searches.remove'
  | 'settings.get';

export function createLibraryHandlers(ctx: AppContext): Pick<ApiHandlers, Names> {
  const catalog = () => {
    if (!ctx.catalog || ctx.libraryPath === null) {
      throw new ApiError('library_not_open', 'No library is open: start Pairscope with --library PATH');
    }
    return ctx.catalog;
  };
  return {
    'library.overview': () => ({ libraryPath: ctx.libraryPath ?? '', ...catalog().overview() }),
    'media.list': ({ filter, order, offset, limit }) =>
      catalog().list(filter ?? {}, order ?? 'newest', offset ?? 0, limit ?? 200),
    'media.get': ({ mediaId }) => {
      const detail = catalog().detail(mediaId);
      if (!detail) throw new ApiError('not_found', `no photo with id ${mediaId}`, 'input.mediaId');
      return detail;
    },
    'searches.list': () => ({ searches: catalog().savedSearches() }),
    'searches.save': (search) => ({ searches: catalog().saveSearch(search) }),
    'searches.remove': ({ name }) => ({ searches: catalog().removeSearch(name) }),
    'settings.get': async () => ({ ...(await catalog().runtime()), threads: availableParallelism() }),
  };
}
