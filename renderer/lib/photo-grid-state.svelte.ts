/**
 * The photo grid's state (issue #8): which items exist (a sparse, paged list for browsing up to 100,000 photos,
 * or a dense list of search results), which one has keyboard focus, and the grid geometry the virtual scroller
 * derived. Pages live in a raw Map with a version counter, so loading a page never deep-proxies 100k rows.
 */
export interface GridItem {
  mediaId: number;
  path: string;
  caption: string | null;
  /** Search score (cosine or p(match)); absent while browsing. */
  score?: number;
}

export const PAGE_SIZE = 240;

export class PhotoGridState {
  mode = $state<'browse' | 'results'>('browse');
  total = $state(0);
  focused = $state(0);
  /** Bumped whenever a page arrives or the list is replaced; readers of `at()` re-run. */
  version = $state(0);
  /** Columns of the laid-out grid, reported by the component (arrow up/down move by this much). */
  columns = $state(1);
  /** ms from the list's reset to the first thumbnail that finished loading (shown in the perf figures). */
  firstThumbMs = $state<number | null>(null);
  /** performance.now() (ms since the page started loading) when the first thumbnail of the page's life loaded. */
  firstThumbSinceLoadMs: number | null = null;
  /** performance.now() of the last reset; the grid scrolls to the top when it changes. */
  resetAt = $state(0);
  /** Changes on every reset or refresh; a page answer from an older generation is dropped. */
  generation = 0;
  // Deliberately not reactive (a SvelteMap of 100k rows would track every read); `version` signals changes.
  /* eslint-disable svelte/prefer-svelte-reactivity */
  private pages = new Map<number, GridItem[]>();
  private requested = new Set<number>();
  /* eslint-enable svelte/prefer-svelte-reactivity */
  private results: GridItem[] = [];

  /** Starts a fresh browse list of `total` items; pages load on demand. */
  resetBrowse(total: number): void {
    this.mode = 'browse';
    /* eslint-disable svelte/prefer-svelte-reactivity -- see the field declarations */
    this.pages = new Map();
    this.requested = new Set();
    /* eslint-enable svelte/prefer-svelte-reactivity */
    this.total = total;
    this.touch();
  }

  /**
   * Same list, newer contents (a background import added photos): pages reload, but focus and scroll stay where
   * the person is. `generation` changes so that pages still in flight from before are dropped.
   */
  refreshBrowse(total: number): void {
    /* eslint-disable svelte/prefer-svelte-reactivity -- see the field declarations */
    this.pages = new Map();
    this.requested = new Set();
    /* eslint-enable svelte/prefer-svelte-reactivity */
    this.total = total;
    this.focused = Math.min(this.focused, Math.max(0, total - 1));
    this.generation++;
    this.version++;
  }

  showResults(items: GridItem[]): void {
    this.mode = 'results';
    this.results = items;
    this.total = items.length;
    this.touch();
  }

  at(index: number): GridItem | undefined {
    void this.version;
    if (this.mode === 'results') return this.results[index];
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** Pages covering [from, to) not yet asked for; marks them asked. */
  claimPages(from: number, to: number): number[] {
    if (this.mode !== 'browse') return [];
    const out: number[] = [];
    for (let p = Math.floor(from / PAGE_SIZE); p * PAGE_SIZE < Math.min(to, this.total); p++) {
      if (!this.requested.has(p)) {
        this.requested.add(p);
        out.push(p);
      }
    }
    return out;
  }

  putPage(page: number, items: GridItem[]): void {
    this.pages.set(page, items);
    this.version++;
  }

  /** A page whose load failed may be asked for again. */
  releasePage(page: number): void {
    this.requested.delete(page);
  }

  moveFocus(delta: number): void {
    if (this.total === 0) return;
    this.focused = Math.max(0, Math.min(this.total - 1, this.focused + delta));
  }

  thumbLoaded(): void {
    if (this.firstThumbMs === null) this.firstThumbMs = Math.round(performance.now() - this.resetAt);
    this.firstThumbSinceLoadMs ??= Math.round(performance.now());
  }

  private touch(): void {
    this.generation++;
    this.focused = 0;
    this.firstThumbMs = null;
    this.resetAt = performance.now();
    this.version++;
  }
}
