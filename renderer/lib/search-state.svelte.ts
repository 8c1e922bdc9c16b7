/**
 * What the person is searching for and what came back (issue #8): text, an image (dropped, pasted, or a library
 * photo for "more like this"), the cut-off, the filters shared with browsing, and the captions that fit an image.
 */
import type { MethodInput, MethodOutput } from '../../main/api';

export type MediaFilter = NonNullable<MethodInput<'search.query'>['filter']>;
export type SearchOutput = MethodOutput<'search.query'>;
export type CaptionHit = SearchOutput['items'][number];

export type ImageQuery =
  | { kind: 'bytes'; name: string; bytesBase64: string; previewUrl: string }
  | { kind: 'library'; name: string; libraryPath: string; mediaId: number };

/** Cosine scores of the joint space: 0.2 keeps related items and drops the unrelated tail (tunable in the UI). */
export const DEFAULT_CUTOFF = 0.2;

export class SearchState {
  text = $state('');
  image = $state<ImageQuery | null>(null);
  minScore = $state(DEFAULT_CUTOFF);
  filter = $state<MediaFilter>({});
  busy = $state(false);
  /** The last answer; null while browsing (no query). */
  result = $state.raw<SearchOutput | null>(null);
  /** Image → text: captions of the library that fit the query image. */
  captions = $state.raw<CaptionHit[]>([]);
  /** Bumped per search, so a slow answer to an older query is dropped. */
  serial = 0;

  get active(): boolean {
    return this.text.trim() !== '' || this.image !== null;
  }

  get describe(): string {
    const parts = [this.text.trim() && `“${this.text.trim()}”`, this.image && `image ${this.image.name}`];
    return parts.filter(Boolean).join(' + ');
  }
}
