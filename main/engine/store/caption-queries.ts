import type Database from 'better-sqlite3';
import { StoreError } from './errors';

export type ReviewState = 'unreviewed' | 'accepted' | 'corrected' | 'rejected';
export type CorrectionAction = 'accept' | 'edit' | 'reject' | 'restore';

export interface CaptionInput {
  mediaId: number;
  /** Where the caption came from, e.g. `csv:products.csv`; with the text it is the natural key. */
  source: string;
  sourceLine?: number | null;
  text: string;
}

/** A pair: an image and one caption. `text` is as imported, forever; `currentText` is after corrections. */
export interface Caption {
  id: number;
  mediaId: number;
  source: string;
  sourceLine: number | null;
  text: string;
  currentText: string;
  reviewState: ReviewState;
  importedAt: number;
}

export interface Correction {
  id: number;
  captionId: number;
  action: CorrectionAction;
  oldText: string;
  newText: string;
  author: string;
  createdAt: number;
}

interface CaptionRow {
  id: number;
  media_id: number;
  source: string;
  source_line: number | null;
  text: string;
  current_text: string;
  review_state: ReviewState;
  imported_at: number;
}

interface CorrectionRow {
  id: number;
  caption_id: number;
  action: CorrectionAction;
  old_text: string;
  new_text: string;
  author: string;
  created_at: number;
}

const toCaption = (r: CaptionRow): Caption => ({
  id: r.id,
  mediaId: r.media_id,
  source: r.source,
  sourceLine: r.source_line,
  text: r.text,
  currentText: r.current_text,
  reviewState: r.review_state,
  importedAt: r.imported_at,
});

const toCorrection = (r: CorrectionRow): Correction => ({
  id: r.id,
  captionId: r.caption_id,
  action: r.action,
  oldText: r.old_text,
  newText: r.new_text,
  author: r.author,
  createdAt: r.created_at,
});

/** Which review state each action leads to; `restore` goes back to the imported caption, unreviewed. */
const NEXT_STATE: Record<CorrectionAction, ReviewState> = {
  accept: 'accepted',
  edit: 'corrected',
  reject: 'rejected',
  restore: 'unreviewed',
};

/** Captions/pairs and their correction events (DESIGN.md §3 "Curate"). */
export class CaptionQueries {
  private readonly upsertStmt;
  private readonly byIdStmt;
  private readonly byMediaStmt;
  private readonly insertCorrectionStmt;
  private readonly setCurrentStmt;
  private readonly correctionsStmt;
  private readonly correctTx;

  constructor(db: Database.Database) {
    // Re-importing the same file is idempotent: the natural key (media, source, text) finds the row.
    this.upsertStmt = db.prepare<[Record<string, unknown>], { id: number }>(`
      INSERT INTO captions (media_id, source, source_line, text, current_text, imported_at)
      VALUES (@mediaId, @source, @sourceLine, @text, @text, @now)
      ON CONFLICT (media_id, source, text) DO UPDATE SET source_line = excluded.source_line
      RETURNING id`);
    this.byIdStmt = db.prepare<[number], CaptionRow>('SELECT * FROM captions WHERE id = ?');
    this.byMediaStmt = db.prepare<[number], CaptionRow>('SELECT * FROM captions WHERE media_id = ? ORDER BY id');
    this.insertCorrectionStmt = db.prepare(`
      INSERT INTO corrections (caption_id, action, old_text, new_text, author, created_at)
      VALUES (?, ?, ?, ?, ?, ?) RETURNING id`);
    this.setCurrentStmt = db.prepare('UPDATE captions SET current_text = ?, review_state = ? WHERE id = ?');
    this.correctionsStmt = db.prepare<[number], CorrectionRow>(
      'SELECT * FROM corrections WHERE caption_id = ? ORDER BY id',
    );
    this.correctTx = db.transaction(
      (captionId: number, action: CorrectionAction, newText: string | undefined, author: string, now: number) => {
        const c = this.byIdStmt.get(captionId);
        if (!c) throw new StoreError('INVALID_ROW', `caption ${captionId} does not exist`);
        const next = action === 'edit' ? newText : action === 'restore' ? c.text : c.current_text;
        if (next === undefined || next.trim() === '') {
          throw new StoreError('INVALID_ROW', `caption ${captionId}: an edit needs a non-empty new text`);
        }
        this.insertCorrectionStmt.run(captionId, action, c.current_text, next, author, now);
        this.setCurrentStmt.run(next, NEXT_STATE[action], captionId);
      },
    );
  }

  upsert(c: CaptionInput, now = Date.now()): number {
    return this.upsertStmt.get({
      mediaId: c.mediaId,
      source: c.source,
      sourceLine: c.sourceLine ?? null,
      text: c.text,
      now,
    })!.id;
  }

  byId(id: number): Caption | undefined {
    const r = this.byIdStmt.get(id);
    return r && toCaption(r);
  }

  forMedia(mediaId: number): Caption[] {
    return this.byMediaStmt.all(mediaId).map(toCaption);
  }

  /** Records a correction event and its outcome in one transaction; the imported text is never touched. */
  correct(captionId: number, action: CorrectionAction, author: string, newText?: string, now = Date.now()): Caption {
    this.correctTx(captionId, action, newText, author, now);
    return this.byId(captionId)!;
  }

  corrections(captionId: number): Correction[] {
    return this.correctionsStmt.all(captionId).map(toCorrection);
  }
}
