/**
 * The review panel's keys (issue #9; Label Studio / TagGUI style: one key per decision, number keys pick a
 * suggestion). One table (renderer/lib/keymap.ts rows), shown by the panel's help overlay and acted on by
 * `reviewKeyFor`.
 */
import { actionFor, isTypingTarget, type KeyBinding } from '../lib/keymap';

export type ReviewKey =
  | { kind: 'confirm' }
  | { kind: 'reject' }
  | { kind: 'suggestion'; n: number }
  | { kind: 'edit' }
  | { kind: 'skip' }
  | { kind: 'undo' }
  | { kind: 'help' }
  | { kind: 'bulk-confirm' }
  | { kind: 'bulk-reject' };

export const REVIEW_KEYS: ReadonlyArray<KeyBinding<ReviewKey>> = [
  {
    keys: 'Enter or C',
    what: 'Confirm: the caption matches the image',
    press: ['Enter', 'c'],
    action: { kind: 'confirm' },
  },
  { keys: 'X', what: 'Reject as mismatched', press: ['x'], action: { kind: 'reject' } },
  {
    keys: '1 – 5',
    what: 'Replace the caption with suggestion 1 – 5',
    press: ['1', '2', '3', '4', '5'],
    action: (key) => ({ kind: 'suggestion', n: Number(key) }),
  },
  { keys: 'E', what: 'Edit the caption (Enter saves, Esc cancels)', press: ['e'], action: { kind: 'edit' } },
  { keys: 'S', what: 'Skip (the pair goes to the end of the queue)', press: ['s'], action: { kind: 'skip' } },
  { keys: 'U or Ctrl+Z', what: 'Undo the last action', press: ['u', 'Ctrl+z', 'Ctrl+Z'], action: { kind: 'undo' } },
  {
    keys: 'Shift+C / Shift+X',
    what: 'Confirm / reject the selected pairs',
    press: ['C', 'X'],
    action: (key) => ({ kind: key === 'C' ? 'bulk-confirm' : 'bulk-reject' }),
  },
  { keys: '?', what: 'This help', press: ['?'], action: { kind: 'help' } },
];

/** The review action for a key press, or null; keys typed into a field, or Enter/Space on a button, are not. */
export function reviewKeyFor(event: KeyboardEvent): ReviewKey | null {
  if (isTypingTarget(event.target)) return null;
  const target = event.target as HTMLElement | null;
  if (target && target.tagName === 'BUTTON' && (event.key === 'Enter' || event.key === ' ')) return null;
  return actionFor(REVIEW_KEYS, event);
}
