/** State of the review panel (issue #9): the queue page, what is being edited, the selection for bulk actions. */
import type { MethodOutput } from '../../main/api';

export type ReviewEntry = MethodOutput<'review.queue'>['items'][number];

export class ReviewState {
  entries = $state.raw<ReviewEntry[]>([]);
  total = $state(0);
  scored = $state(0);
  pairs = $state(0);
  scoring = $state(false);
  loading = $state(false);
  /** The caption being typed after `e`, or null while not editing. */
  editing = $state<string | null>(null);
  helpOpen = $state(false);
  /** Caption ids picked for a bulk confirm / reject. */
  selected = $state.raw<readonly number[]>([]);
  /** What the last action did, for the status line and screen readers. */
  message = $state('');
  busy = $state(false);

  /** The pair under review: always the most suspicious unreviewed, not skipped one (the queue's head). */
  get current(): ReviewEntry | null {
    return this.entries[0] ?? null;
  }
}
