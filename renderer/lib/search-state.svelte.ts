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

/**
 * Default cut-offs on the cosine scores of the joint space, per kind of query (image queries score every photo
 * higher than words do). Measured on the demo library with the bundled model: docs/ui.md "Scores and the cut-off".
 */
export const DEFAULT_CUTOFFS = { text: 0.35, image: 0.65 } as const;

export class SearchState {
  text = $state('');
  image = $state<ImageQuery | null>(null);
  minScore = $state<number>(DEFAULT_CUTOFFS.text);
  /** The person set the cut-off (slider, or an album's own): it then stays across queries until Clear. */
  cutoffChosen = $state(false);
  filter = $state<MediaFilter>({});
  busy = $state(false);
  /** The last answer; null while browsing (no query). */
  result = $state.raw<SearchOutput | null>(null);
  /** With "no good match": the score of the best result under the cut-off (null: none at all). */
  bestScore = $state<number | null>(null);
  /** Image → text: captions of the library that fit the query image. */
  captions = $state.raw<CaptionHit[]>([]);
  /** Bumped per search, so a slow answer to an older query is dropped. */
  serial = 0;

  get active(): boolean {
    return this.text.trim() !== '' || this.image !== null;
  }

  /** The cut-off a query of this kind starts with. */
  get defaultCutoff(): number {
    return this.image ? DEFAULT_CUTOFFS.image : DEFAULT_CUTOFFS.text;
  }

  get describe(): string {
    const parts = [this.text.trim() && `“${this.text.trim()}”`, this.image && `image ${this.image.name}`];
    return parts.filter(Boolean).join(' + ');
  }
}
