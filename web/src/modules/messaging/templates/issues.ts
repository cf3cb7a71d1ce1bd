import { ApiError } from '../../../lib/api.ts';
import type { Issue } from './api.ts';

export type Part = Issue['part'];

/**
 * The issues of a template-invalid problem. The server sends them structured (`issues`) and as field
 * errors ("/body/body": "line 2, column 13: …"); the fetch client keeps the field errors.
 */
export function issuesOf(err: unknown): Issue[] | null {
  if (!(err instanceof ApiError) || err.problem.type !== '/problems/template-invalid') return null;
  return (err.problem.errors ?? []).map((e) => {
    const part = (e.pointer.split('/')[2] ?? 'body') as Part;
    const m = /^line (\d+)(?:, column (\d+))?: ([\s\S]*)$/.exec(e.detail);
    if (!m) return { part, line: null, column: null, message: e.detail };
    return { part, line: Number(m[1]), column: m[2] ? Number(m[2]) : null, message: m[3] ?? e.detail };
  });
}

export const PART_LABEL: Record<Part, string> = { subject: 'Subject', preheader: 'Preheader', body: 'Body' };

/** "Body, line 3, column 5" */
export function where(i: { part: Part; line: number | null; column: number | null }): string {
  return [PART_LABEL[i.part], i.line ? `line ${i.line}` : null, i.line && i.column ? `column ${i.column}` : null].filter(Boolean).join(', ');
}
