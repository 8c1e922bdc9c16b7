/**
 * Which main view the shell shows: the photos, or the review panel at `#review` (a hash, so a reload, the back
 * button and a bookmark keep the view, and the sidebar reaches it with a plain link).
 */
export class MainRoute {
  view = $state<'photos' | 'review' | 'finetune'>('photos');

  constructor(private readonly win: Window) {
    this.sync();
  }

  /** Follows the hash until the returned function is called. */
  watch(): () => void {
    const on = () => this.sync();
    this.win.addEventListener('hashchange', on);
    return () => this.win.removeEventListener('hashchange', on);
  }

  private sync(): void {
    const hash = this.win.location.hash;
    this.view = hash === '#review' ? 'review' : hash === '#finetune' ? 'finetune' : 'photos'; // #finetune: issue #10
  }
}
