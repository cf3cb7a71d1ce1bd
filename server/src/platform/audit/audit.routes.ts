import { z } from 'zod';
import type { Db } from '../db/db.ts';
import type { ZodApp } from '../http/server.ts';
import { audit } from './audit.ts';
import { auditPageSchema } from './audit.schemas.ts';

const querySchema = z.strictObject({
  actorId: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  entityType: z.string().max(100).optional(),
  entityId: z.string().max(200).optional(),
  q: z.string().max(200).optional(),
  from: z.coerce.date({ error: 'must be a date (ISO 8601)' }).optional(),
  to: z.coerce.date({ error: 'must be a date (ISO 8601)' }).optional(),
  cursor: z.guid({ error: 'must be the nextCursor of a previous page' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}).refine((q) => !q.from || !q.to || q.from < q.to, { message: '"from" must be before "to"', path: ['from'] });

/** The audit log, for owners and admins. */
export function auditRoutes(app: ZodApp, db: Db): void {
  app.get('/api/audit', { config: { access: 'audit:read' }, schema: { tags: ['Audit log'], summary: 'Audit log entries, newest first, filterable; cursor-paginated', querystring: querySchema, response: { 200: auditPageSchema } } },
    async (req) => {
      const { cursor, limit, ...f } = req.query;
      const items = await audit.list(db, { ...f, before: cursor, limit: limit + 1 });
      const more = items.length > limit;
      const page = items.slice(0, limit);
      return { items: page, nextCursor: more ? (page.at(-1)?.id ?? null) : null };
    });

  app.get('/api/audit/actions', { config: { access: 'audit:read' }, schema: { tags: ['Audit log'], summary: 'The distinct actions in the log (for filters)', response: { 200: z.object({ items: z.array(z.string()) }) } } },
    async () => ({ items: await audit.actions(db) }));
}
