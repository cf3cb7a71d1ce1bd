import { z } from 'zod';
import type { Db } from '../../platform/db/db.ts';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { fromMinor } from '../../platform/money.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { csvCell } from '../customers/index.ts';
import {
  createSegmentBody, customerSegmentsSchema, fieldsSchema, historySchema, membersPageSchema, membersQuery, previewBody, previewSchema, segmentSchema, updateSegmentBody, versionSchema,
} from './segments.schemas.ts';
import type { SegmentsService } from './segments.service.ts';

const tags = ['Segments'];
const idOnly = z.strictObject({ id: z.guid({ error: 'must be a UUID' }) });

export function segmentRoutes(app: ZodApp, deps: { db: Db; segments: SegmentsService }): void {
  const { segments, db } = deps;

  app.get('/api/segments', { config: { access: 'segments:read' }, schema: { tags, summary: 'Segments with size, trend and status', response: { 200: z.object({ items: z.array(segmentSchema) }) } } },
    async () => ({ items: await segments.list() }));

  app.get('/api/segments/fields', { config: { access: 'segments:read' }, schema: { tags, summary: 'What a segment can test: fields and their operators, activity types, categories, segments', response: { 200: fieldsSchema } } },
    async () => segments.fields());

  app.post('/api/segments/preview', { config: { access: 'segments:read' }, schema: { tags, summary: 'Count and sample the customers a definition selects (nothing is saved)', body: previewBody, response: { 200: previewSchema } } },
    async (req) => segments.preview(req.body.definition, req.body.segmentId));

  app.post('/api/segments', { config: { access: 'segments:write' }, schema: { tags, summary: 'Create a segment; its members are computed at once', body: createSegmentBody, response: { 201: segmentSchema } } },
    async (req, reply) => reply.status(201).send(await segments.create(actorOf(req), req.body)));

  app.get('/api/segments/:id', { config: { access: 'segments:read' }, schema: { tags, summary: 'A segment', params: idOnly, response: { 200: segmentSchema } } },
    async (req) => segments.get(req.params.id));

  app.patch('/api/segments/:id', { config: { access: 'segments:write' }, schema: { tags, summary: 'Rename, describe or change the rule (a new revision; members are recomputed)', params: idOnly, body: updateSegmentBody, response: { 200: segmentSchema } } },
    async (req) => segments.update(actorOf(req), req.params.id, req.body));

  app.delete('/api/segments/:id', { config: { access: 'segments:write' }, schema: { tags, summary: 'Delete a segment (segments that use it show as broken)', params: idOnly, response: { 204: z.null() } } },
    async (req, reply) => {
      await segments.remove(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });

  app.post('/api/segments/:id/duplicate', { config: { access: 'segments:write' }, schema: { tags, summary: 'Copy a segment', params: idOnly, response: { 201: segmentSchema } } },
    async (req, reply) => reply.status(201).send(await segments.duplicate(actorOf(req), req.params.id)));

  app.post('/api/segments/:id/refresh', { config: { access: 'segments:write' }, schema: { tags, summary: 'Recompute the members now', params: idOnly, response: { 200: segmentSchema } } },
    async (req) => segments.refresh(actorOf(req), req.params.id));

  app.get('/api/segments/:id/members', { config: { access: 'segments:read' }, schema: { tags, summary: 'Members, biggest spenders first (cursor-paginated)', params: idOnly, querystring: membersQuery, response: { 200: membersPageSchema } } },
    async (req) => segments.members(req.params.id, req.query.limit, req.query.cursor));

  app.get('/api/segments/:id/members.csv', { config: { access: 'segments:read' }, schema: { tags, summary: 'Export the members as CSV', params: idOnly } },
    async (req, reply) => {
      const seg = await segments.get(req.params.id);
      const { currency } = await getStoreSettings(db);
      let out = ['id', 'name', 'email', 'country', 'order_count', `total_spent_${currency}`, 'last_order_at', 'entered_at'].join(',') + '\n';
      let cursor: string | undefined;
      for (;;) {
        const page = await segments.members(seg.id, 200, cursor);
        for (const m of page.items) out += [m.id, m.name, m.email, m.country, m.orderCount, fromMinor(m.totalSpent, currency), m.lastOrderAt, m.enteredAt].map(csvCell).join(',') + '\n';
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      const file = seg.name.replace(/[^A-Za-z0-9_-]+/g, '-').toLowerCase() || 'segment';
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}.csv"`).send(out);
    });

  app.get('/api/segments/:id/history', { config: { access: 'segments:read' }, schema: { tags, summary: 'Size per day, with entries and exits', params: idOnly, querystring: z.strictObject({ days: z.coerce.number().int().min(1).max(730).default(90) }), response: { 200: historySchema } } },
    async (req) => ({ items: await segments.history(req.params.id, req.query.days) }));

  app.get('/api/segments/:id/versions', { config: { access: 'segments:read' }, schema: { tags, summary: 'Every saved revision of the rule', params: idOnly, response: { 200: z.object({ items: z.array(versionSchema) }) } } },
    async (req) => ({ items: await segments.versions(req.params.id) }));

  app.get('/api/customers/:id/segments', { config: { access: 'segments:read' }, schema: { tags, summary: 'The segments a customer is in', params: idOnly, response: { 200: customerSegmentsSchema } } },
    async (req) => ({ items: await segments.forCustomer(req.params.id) }));
}
