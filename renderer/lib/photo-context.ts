/** The photo views' states travel to components through one Svelte context, set once in App.svelte. */
import { getContext, setContext } from 'svelte';
import type { ApiClient } from './api-client';
import type { AppState } from './app-state.svelte';
import type { JobsState } from './jobs-state.svelte';
import type { LibraryState } from './library-state.svelte';
import type { LightboxState } from './lightbox-state.svelte';
import type { OverlayState } from './overlay-state.svelte';
import type { PhotoGridState } from './photo-grid-state.svelte';
import type { SearchState } from './search-state.svelte';

const key = Symbol('pairscope-photos');

export interface PhotoContext {
  client: ApiClient;
  app: AppState;
  library: LibraryState;
  grid: PhotoGridState;
  search: SearchState;
  lightbox: LightboxState;
  jobs: JobsState;
  overlay: OverlayState;
}

export function setPhotoContext(value: PhotoContext): void {
  setContext(key, value);
}

export function getPhotoContext(): PhotoContext {
  const value = getContext<PhotoContext | undefined>(key);
  if (!value) throw new Error('getPhotoContext() called outside <App>');
  return value;
}
