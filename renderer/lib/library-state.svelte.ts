/** The sidebar's picture of the open library (issue #8): roots, folders, pair collections, saved searches. */
import type { MethodOutput } from '../../main/api';

export type LibraryOverview = MethodOutput<'library.overview'>;
export type SavedSearch = MethodOutput<'searches.list'>['searches'][number];
export type RuntimeSettings = MethodOutput<'settings.get'>;

export class LibraryState {
  overview = $state.raw<LibraryOverview | null>(null);
  saved = $state.raw<SavedSearch[]>([]);
  /** False when the host has no library open: the UI shows what to do instead of an empty grid. */
  available = $state(true);
  runtime = $state.raw<RuntimeSettings | null>(null);
}
