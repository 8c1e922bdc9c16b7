/** The lightbox (issue #8): which grid index is open and that photo's details once loaded. */
import type { MethodOutput } from '../../main/api';

export type PhotoDetail = MethodOutput<'media.get'>;

export class LightboxState {
  /** Grid index of the open photo, or null when closed. */
  index = $state<number | null>(null);
  detail = $state.raw<PhotoDetail | null>(null);
  loading = $state(false);

  get open(): boolean {
    return this.index !== null;
  }
}
