/**
 * The review panel's keys (issue #9; Label Studio / TagGUI style: one key per decision, number keys pick a
 * suggestion). One table, shown by the panel's help overlay and acted on by `reviewKeyFor`.
 */
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

export const REVIEW_KEYS: ReadonlyArray<{ keys: string; what: string }> = [
  { keys: 'Enter or C', what: 'Confirm: the caption matches the image' },
  { keys: 'X', what: 'Reject as mismatched' },
  { keys: '1 – 5', what: 'Replace the caption with suggestion 1 – 5' },
  { keys: 'E', what: 'Edit the caption (Enter saves, Esc cancels)' },
  { keys: 'S', what: 'Skip (the pair goes to the end of the queue)' },
  { keys: 'U or Ctrl+Z', what: 'Undo the last action' },
  { keys: 'Shift+C / Shift+X', what: 'Confirm / reject the selected pairs' },
  { keys: '?', what: 'This help' },
];

/** The review action for a key press, or null; keys typed into a field are never actions. */
export function reviewKeyFor(event: KeyboardEvent): ReviewKey | null {
  const target = event.target as HTMLElement | null;
  if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return null;
  if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'z') return { kind: 'undo' };
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (target && target.tagName === 'BUTTON' && (event.key === 'Enter' || event.key === ' ')) return null;
  if (event.shiftKey && event.key === 'C') return { kind: 'bulk-confirm' };
  if (event.shiftKey && event.key === 'X') return { kind: 'bulk-reject' };
  switch (event.key) {
    case 'Enter':
    case 'c':
      return { kind: 'confirm' };
    case 'x':
      return { kind: 'reject' };
    case 'e':
      return { kind: 'edit' };
    case 's':
      return { kind: 'skip' };
    case 'u':
      return { kind: 'undo' };
    case '?':
      return { kind: 'help' };
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
      return { kind: 'suggestion', n: Number(event.key) };
    default:
      return null;
  }
}
