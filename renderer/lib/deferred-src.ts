/**
 * Svelte action for grid thumbnails: set `src` only once the grid has been calm for `calmMs` (no fast scrolling)
 * and the cell is still mounted. A fling through 100,000 photos mounts thousands of cells for a frame or two;
 * giving each one a thumbnail request queued ~3,000 fetches in the 100k grid test, and the photos where the
 * person stopped waited behind them. Placeholders during a fling are what Immich and Apple Photos show too.
 */
export interface DeferredSrc {
  url: string;
  /** performance.now() of the grid's last fast scroll. */
  lastFastScroll: () => number;
}

export function deferredSrc(node: HTMLImageElement, params: DeferredSrc, calmMs = 100) {
  let current = params;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const attempt = () => {
    const wait = current.lastFastScroll() + calmMs - performance.now();
    if (wait > 0) {
      timer = setTimeout(attempt, wait);
      return;
    }
    timer = null;
    node.src = current.url;
  };
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  timer = setTimeout(attempt, 16);
  return {
    update(next: DeferredSrc) {
      if (next.url === current.url) return;
      stop();
      current = next;
      node.removeAttribute('src');
      timer = setTimeout(attempt, 16);
    },
    destroy: stop,
  };
}
