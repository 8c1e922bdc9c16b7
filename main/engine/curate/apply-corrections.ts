/**
 * Corrections from a JSONL file (issue #9: "corrections can be applied from a JSONL file", `pairscope curate
 * --apply`). One object per line:
 *   {"caption_id": 12, "action": "confirm" | "reject" | "skip" | "undo"}
 *   {"caption_id": 12, "action": "edit", "text": "green apple"}
 *   {"caption_id": 12, "action": "suggestion", "suggestion": 2}
 * `id` (a string or number, as `pairscope export` writes it) is accepted for `caption_id`. Every line is checked
 * on its own; a bad line is reported as `file:line: reason` and the others are applied, in file order, each as
 * its own correction event (so an undo line reverses the event before it for that pair).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Curation } from './curation';

const lineSchema = z
  .object({
    caption_id: z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d*$/)]).optional(),
    id: z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d*$/)]).optional(),
    action: z.enum(['confirm', 'reject', 'suggestion', 'edit', 'skip', 'undo']),
    text: z.string().min(1).max(2000).optional(),
    suggestion: z.number().int().min(1).max(5).optional(),
  })
  .passthrough()
  .superRefine((v, ctx) => {
    if (v.caption_id === undefined && v.id === undefined)
      ctx.addIssue({ code: 'custom', message: '"caption_id" (or "id") is required', path: ['caption_id'] });
    if (v.action === 'edit' && v.text === undefined)
      ctx.addIssue({ code: 'custom', message: 'action "edit" needs "text"', path: ['text'] });
    if (v.action === 'suggestion' && v.suggestion === undefined)
      ctx.addIssue({ code: 'custom', message: 'action "suggestion" needs "suggestion": 1 to 5', path: ['suggestion'] });
  });

export interface ApplyReport {
  applied: number;
  problems: Array<{ where: string; reason: string }>;
}

export async function applyCorrectionsFile(
  curation: Pick<Curation, 'act' | 'undo'>,
  file: string,
): Promise<ApplyReport> {
  const text = await readFile(file, 'utf8');
  const report: ApplyReport = { applied: 0, problems: [] };
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const where = `${file}:${i + 1}`;
    if (raw.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      report.problems.push({ where, reason: `not valid JSON (${(e as Error).message})` });
      continue;
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length ? `"${issue.path.join('.')}": ` : '';
      report.problems.push({ where, reason: `${field}${issue.message}` });
      continue;
    }
    const v = parsed.data;
    const captionId = Number(v.caption_id ?? v.id);
    try {
      if (v.action === 'undo') await curation.undo(captionId);
      else
        await curation.act({
          captionId,
          action: v.action,
          ...(v.text !== undefined ? { text: v.text } : {}),
          ...(v.suggestion !== undefined ? { suggestion: v.suggestion } : {}),
        });
      report.applied++;
    } catch (e) {
      report.problems.push({ where, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return report;
}
