/** Handlers of the `search.*` methods (main/api.ts) over the engine's LibrarySearch (main/engine/search). */
import { ApiError, type ApiHandlers } from '../api';
import type { AppContext } from '../app-context';
import type { ImageQuery, SearchRequest } from '../engine/search/search-request';

/** Decoded size cap of a dropped file sent as base64 (the schema caps the string itself). */
const MAX_DROPPED_BYTES = 48 * 1024 * 1024;

export function createSearchHandlers(ctx: AppContext): Pick<ApiHandlers, 'search.query'> {
  return {
    'search.query': async (input) => {
      if (!ctx.search) throw new ApiError('library_not_open', 'No library is open: open or import a library first');
      let image: ImageQuery | undefined;
      if (input.image && 'bytesBase64' in input.image) {
        const bytes = Buffer.from(input.image.bytesBase64, 'base64');
        if (bytes.length > MAX_DROPPED_BYTES) {
          throw new ApiError(
            'payload_too_large',
            `dropped file is ${bytes.length} bytes; at most ${MAX_DROPPED_BYTES}`,
            'input.image',
          );
        }
        image = { bytes, ...(input.image.name !== undefined ? { name: input.image.name } : {}) };
      } else if (input.image) {
        image = input.image;
      }
      const { image: _raw, ...rest } = input;
      const request: SearchRequest = { ...rest, ...(image ? { image } : {}) } as SearchRequest;
      try {
        return await ctx.search.query(request);
      } catch (error) {
        throw toApiError(error);
      }
    },
  };
}

/** Engine errors carry `{ name, code, message, field? }`; they cross the boundary as ApiError with the same code. */
function toApiError(error: unknown): unknown {
  const e = error as { name?: unknown; code?: unknown; message?: unknown; field?: unknown };
  if ((e?.name === 'SearchError' || e?.name === 'StoreError') && typeof e.code === 'string') {
    const field = typeof e.field === 'string' ? `input.${e.field}` : undefined;
    return new ApiError(e.code.toLowerCase(), String(e.message), field);
  }
  return error;
}
