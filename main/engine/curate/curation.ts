/**
 * Curation of one open library (issue #9, DESIGN.md §3 "Curate"): the `curate-scores` job, the review queue in
 * order of suspicion, and review actions recorded as correction events (never an overwrite; undo is an event).
 * A correction that changes a caption's text re-encodes that caption, so search and the fine-tune see the new
 * words (train/curated-pairs.ts: an edited pair trains on the NEW caption's features).
 *
 * @example
 *   const c = new Curation({ store, runner, modelVersionId, momentum, itm, encodeText, textIndex });
 *   c.ensureScored(); const q = c.queue({ limit: 20 }); c.act({ captionId: q.items[0].captionId, action: 'reject' });
 */
import type { JobProgress } from '../jobs/job-progress';
import type { JobRunner } from '../jobs/job-runner';
import type { ReviewState } from '../store/caption-queries';
import type { CorrectionEvent } from '../store/curation-queries';
import type { LibraryStore } from '../store/library-store';
import type { ProjectionHeads } from '../train/heads';
import type { NoiseParts } from './noise-score';
import { scoreLibrary, storeScores, type ItmScorer, type PairSuggestions } from './score-library';

export const SCORE_JOB = 'curate-scores';

export type ReviewVerb = 'confirm' | 'reject' | 'suggestion' | 'edit' | 'skip';

export interface ReviewActInput {
  captionId: number;
  action: ReviewVerb;
  /** 1–5: which suggestion replaces the caption (action 'suggestion'). */
  suggestion?: number;
  /** The new caption (action 'edit'). */
  text?: string;
}

export interface QueueEntry {
  captionId: number;
  mediaId: number;
  path: string;
  thumbKey: string | null;
  caption: string;
  originalCaption: string;
  reviewState: ReviewState;
  score: number;
  parts: NoiseParts;
  /** True when the caption changed after it was scored (the score is of the old text). */
  stale: boolean;
  skipped: boolean;
  suggestions: PairSuggestions['captions'];
  similarImages: Array<{ mediaId: number; path: string; thumbKey: string | null; cosine: number }>;
}

export interface CurationDeps {
  store: LibraryStore;
  runner: JobRunner;
  modelVersionId: number;
  momentum: ProjectionHeads;
  itm?: ItmScorer;
  /**
   * Where CLS features live when not under `modelVersionId` (a fine-tuned version: the bundle's version, issue #10).
   * Scoring reads them there, and a corrected caption is re-encoded there (with `encodeText`/`textIndex` of that
   * version); the fine-tuned version then re-projects it itself (train/library-model-versions.ts).
   */
  featureVersionId?: number;
  /** Embedding + CLS feature of a caption text under the active model (re-encoding a corrected caption). */
  encodeText?: (text: string) => Promise<{ emb: Float32Array; cls: Float32Array }>;
  textIndex?: { add(label: number, vector: Float32Array): void };
  author?: string;
}

/** A failure a person can act on; crosses the API boundary with its code. */
export class CurationError extends Error {
  override readonly name = 'CurationError';
  constructor(
    readonly code: 'not_found' | 'bad_request' | 'nothing_to_undo',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export class Curation {
  private deps: CurationDeps;

  constructor(deps: CurationDeps) {
    this.deps = { ...deps };
    deps.runner.register(SCORE_JOB, async (ctx) => {
      // The version active when the job runs (a job resumed after a switch scores the new version).
      const { store, modelVersionId, momentum, itm, featureVersionId } = this.deps;
      // Progress counts images through ITM (the slow part); the commit marks all of them done.
      let total = 1;
      ctx.setTotal(total);
      const r = await scoreLibrary({
        store,
        modelVersionId,
        momentum,
        ...(featureVersionId !== undefined ? { featureVersionId } : {}),
        ...(itm ? { itm } : {}),
        signal: ctx.signal,
        onProgress: (done, all) => {
          if (all !== total) ctx.setTotal((total = all));
          ctx.progress(done);
        },
      });
      ctx.commit(total, () => {
        storeScores(store, modelVersionId, r.scored, r.combiner);
        return JSON.stringify({
          scored: r.scored.length,
          skipped: r.skipped,
          combiner: r.combiner ? 'learned' : 'fixed',
          heldOutAuroc: r.combiner?.fit.heldOutAuroc ?? null,
        });
      });
    });
  }

  get modelVersionId(): number {
    return this.deps.modelVersionId;
  }

  /**
   * Follows a switch of the active model version (a fine-tune, a rollback: issue #10): scores, the queue and caption
   * re-encoding use the new version and its momentum heads from now on; scoring is queued if it has no scores yet.
   */
  useModelVersion(
    modelVersionId: number,
    momentum: ProjectionHeads,
    encodeText?: CurationDeps['encodeText'],
    featureVersionId?: number,
  ): number | null {
    const { featureVersionId: _previous, ...rest } = this.deps;
    this.deps = {
      ...rest,
      modelVersionId,
      momentum,
      ...(encodeText ? { encodeText } : {}),
      ...(featureVersionId !== undefined && featureVersionId !== modelVersionId ? { featureVersionId } : {}),
    };
    return this.ensureScored();
  }

  /** Queues a scoring run (after an import, or for a new model version); returns its job id. */
  rescore(): number {
    return this.deps.runner.enqueue(SCORE_JOB, { modelVersionId: this.deps.modelVersionId });
  }

  /**
   * Queues scoring when some scorable pair of this model version has no score: the first open after the model
   * changed, a library imported before curation existed, pairs added since the last run. Scores are relative to
   * the whole library (ranks, softmax over every caption), so the run rescores every pair. Returns the job id, or
   * null when the scores are complete or a run is already pending.
   */
  ensureScored(): number | null {
    const c = this.deps.store.curation;
    const mv = this.deps.modelVersionId;
    const scorable = c.scorablePairCount(mv);
    if (scorable === 0 || c.scoredCount(mv) >= scorable || this.pending()) return null;
    return this.rescore();
  }

  /**
   * JobRunner progress hook (issue #9 "computed during ingest"): a finished import that added pairs is followed by
   * a scoring run; a rescan that changed no pair queues nothing.
   */
  onJobProgress(p: JobProgress): void {
    if (p.state === 'done' && (p.kind === 'import-pairs' || p.kind === 'import-folder')) this.ensureScored();
  }

  pending(): boolean {
    return this.deps.runner
      .list(20)
      .some((j) => j.kind === SCORE_JOB && (j.state === 'queued' || j.state === 'running'));
  }

  queue(options: { offset?: number; limit?: number; states?: ReviewState[] } = {}): {
    items: QueueEntry[];
    total: number;
    scored: number;
    pairs: number;
    scoring: boolean;
  } {
    const { store, modelVersionId: mv } = this.deps;
    const states = options.states?.length ? options.states : (['unreviewed'] as ReviewState[]);
    const rows = store.curation.queue(mv, states, options.offset ?? 0, options.limit ?? 50);
    const items = rows.map((r): QueueEntry => {
      const s = JSON.parse(r.suggestionsJson) as PairSuggestions;
      return {
        captionId: r.captionId,
        mediaId: r.mediaId,
        path: r.path,
        thumbKey: r.thumbKey,
        caption: r.currentText,
        originalCaption: r.text,
        reviewState: r.reviewState,
        score: r.score,
        parts: JSON.parse(r.partsJson) as NoiseParts,
        stale: r.scoredText !== r.currentText,
        skipped: r.skipped === 1,
        suggestions: s.captions.filter((c) => c.text !== r.currentText).slice(0, 5),
        similarImages: s.images.flatMap((i) => {
          const m = store.media.byId(i.mediaId);
          return m ? [{ mediaId: i.mediaId, path: m.path, thumbKey: m.thumbKey ?? null, cosine: i.cosine }] : [];
        }),
      };
    });
    return {
      items,
      total: store.curation.queueCount(mv, states),
      scored: store.curation.scoredCount(mv),
      pairs: store.curation.pairCount(),
      scoring: this.pending(),
    };
  }

  async act(input: ReviewActInput): Promise<CorrectionEvent> {
    const { store } = this.deps;
    const caption = store.captions.byId(input.captionId);
    if (!caption) throw new CurationError('not_found', `no pair with caption id ${input.captionId}`, 'captionId');
    const author = this.deps.author ?? 'local';
    let event: CorrectionEvent;
    switch (input.action) {
      case 'confirm':
      case 'reject':
      case 'skip': {
        // The caption text stays; only the review state moves (a skip keeps the state it had).
        const { action, newState } = (
          {
            confirm: { action: 'accept', newState: 'accepted' },
            reject: { action: 'reject', newState: 'rejected' },
            skip: { action: 'skip', newState: caption.reviewState },
          } as const
        )[input.action];
        event = store.curation.record({
          captionId: caption.id,
          action,
          newText: caption.currentText,
          newState,
          author,
        });
        break;
      }
      case 'suggestion': {
        const k = input.suggestion;
        if (k === undefined || !Number.isInteger(k) || k < 1 || k > 5)
          throw new CurationError('bad_request', `suggestion must be 1 to 5, got ${String(k)}`, 'suggestion');
        const text = this.suggestionsOf(caption.id, caption.currentText)[k - 1]?.text;
        if (text === undefined)
          throw new CurationError('not_found', `pair ${caption.id} has no suggestion ${k}`, 'suggestion');
        event = store.curation.record({
          captionId: caption.id,
          action: 'suggest',
          newText: text,
          newState: 'corrected',
          author,
          suggestion: k,
        });
        break;
      }
      case 'edit': {
        const text = input.text?.trim() ?? '';
        if (text === '') throw new CurationError('bad_request', 'an edit needs a non-empty caption', 'text');
        event = store.curation.record({
          captionId: caption.id,
          action: 'edit',
          newText: text,
          newState: 'corrected',
          author,
        });
        break;
      }
    }
    await this.reencodeIfChanged(event);
    return event;
  }

  /** Undo the latest effective event (of one pair, or of the library); returns [undo event, reversed event]. */
  async undo(captionId: number | null): Promise<[CorrectionEvent, CorrectionEvent]> {
    const r = this.deps.store.curation.undo(captionId, this.deps.author ?? 'local');
    if (!r)
      throw new CurationError(
        'nothing_to_undo',
        captionId === null ? 'nothing to undo' : `pair ${captionId} has nothing to undo`,
      );
    await this.reencodeIfChanged(r[0]);
    return r;
  }

  /** Confirm or reject many pairs (a grid selection); one event per pair, all in one transaction. */
  bulk(captionIds: readonly number[], action: 'confirm' | 'reject'): CorrectionEvent[] {
    const { store } = this.deps;
    const author = this.deps.author ?? 'local';
    return store.transaction(() =>
      captionIds.map((id) => {
        const c = store.captions.byId(id);
        if (!c) throw new CurationError('not_found', `no pair with caption id ${id}`, 'captionIds');
        return store.curation.record({
          captionId: id,
          action: action === 'confirm' ? 'accept' : 'reject',
          newText: c.currentText,
          newState: action === 'confirm' ? 'accepted' : 'rejected',
          author,
        });
      }),
    );
  }

  /** Correction events in id order after `afterId`, or every event of one pair. */
  events(options: { afterId?: number; limit?: number; captionId?: number } = {}): CorrectionEvent[] {
    const c = this.deps.store.curation;
    return options.captionId !== undefined
      ? c.eventsFor(options.captionId)
      : c.events(options.afterId ?? 0, options.limit ?? 1000);
  }

  private suggestionsOf(captionId: number, currentText: string): PairSuggestions['captions'] {
    const row = this.deps.store.curation.score(this.deps.modelVersionId, captionId);
    if (!row) return [];
    return (JSON.parse(row.suggestionsJson) as PairSuggestions).captions
      .filter((c) => c.text !== currentText)
      .slice(0, 5);
  }

  private async reencodeIfChanged(event: CorrectionEvent): Promise<void> {
    const { encodeText, store, modelVersionId, featureVersionId, textIndex } = this.deps;
    if (!encodeText || event.oldText === event.newText) return;
    const { emb, cls } = await encodeText(event.newText);
    const label = store.curation.replaceCaptionVectors(featureVersionId ?? modelVersionId, event.captionId, emb, cls);
    textIndex?.add(label, emb);
  }
}
