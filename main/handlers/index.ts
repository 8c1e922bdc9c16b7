/**
 * All handlers of the contract, one factory per area. A new method in an existing area needs no change here; a
 * new area adds one spread line. `satisfies ApiHandlers` makes a missing handler a type error.
 */
import type { ApiHandlers } from '../api';
import type { AppContext } from '../app-context';
import { createAppHandlers } from './app';
import { createIngestHandlers } from './ingest';
import { createLibraryHandlers } from './library';
import { createReviewHandlers } from './review';
import { createSearchHandlers } from './search';
import { createVersionHandlers } from './versions';

export function createHandlers(ctx: AppContext): ApiHandlers {
  return {
    ...createAppHandlers(ctx),
    ...createSearchHandlers(ctx),
    ...createIngestHandlers(ctx),
    ...createLibraryHandlers(ctx),
    ...createReviewHandlers(ctx),
    ...createVersionHandlers(ctx),
  } satisfies ApiHandlers;
}
