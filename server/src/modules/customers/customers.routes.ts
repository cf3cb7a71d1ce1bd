import { sql } from 'kysely';
import { z } from 'zod';
import type { Activities } from '../../platform/activities/activities.ts';
import type { Db } from '../../platform/db/db.ts';
import { actorOf, effectiveRole } from '../../platform/http/context.ts';
import { badRequest } from '../../platform/http/problem.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { fromMinor } from '../../platform/money.ts';
import {
  createNoteBodySchema, createViewBodySchema, customerDetailSchema, customerListQuerySchema, customerPageSchema, idOnly,
  mergeBodySchema, mergeRecordSchema, noteSchema, savedViewSchema, updateCustomerBodySchema, upsertCustomerBodySchema,
} from './customers.schemas.ts';
import { csvCell, listCustomers } from './customers.query.ts';
import type { ConsentService } from './consent.service.ts';
import type { CustomerEditService } from './customers.edit.service.ts';
import { toCustomer, type CustomersService } from './customers.service.ts';

const tags = ['Customers'];
const activityOut = z.object({ id: z.string(), type: z.string(), occurredAt: z.date(), receivedAt: z.date(), source: z.string(), properties: z.record(z.string(), z.unknown()) });

export function customerRoutes(app: ZodApp, deps: { db: Db; customers: CustomersService; edits: CustomerEditService; consent: ConsentService; activities: Activities }): void {
  const { db, customers, edits, consent, activities } = deps;

  app.get('/api/customers', { config: { access: 'customers:read' }, schema: { tags, summary: 'Search and filter customers (cursor-paginated)', querystring: customerListQuerySchema, response: { 200: customerPageSchema } } },
    async (req) => {
      const { sort, cursor, limit, ...filter } = req.query;
      const { currency } = await getStoreSettings(db);
      const page = await listCustomers(db, filter, sort, limit, cursor);
      return { items: page.rows.map((r) => toCustomer(r, currency)), nextCursor: page.nextCursor };
    });

  app.post('/api/customers', { config: { access: 'customers:write' }, schema: { tags, summary: 'Create or update a customer found by email, phone or external id', body: upsertCustomerBodySchema, response: { 200: customerDetailSchema, 201: customerDetailSchema } } },
    async (req, reply) => {
      const b = req.body;
      const actor = actorOf(req);
      const res = await db.transaction().execute(async (tx) => {
        const r = await customers.resolve(tx, {
          identities: [
            ...(b.externalIds ?? []).map((e) => ({ kind: 'external' as const, source: e.source, value: e.id, verified: true })),
            ...(b.emails ?? []).map((e) => ({ kind: 'email' as const, value: e, verified: true })),
            ...(b.phones ?? []).map((p) => ({ kind: 'phone' as const, value: p, verified: true })),
            ...(b.email ? [{ kind: 'email' as const, value: b.email, verified: true }] : []),
            ...(b.phone ? [{ kind: 'phone' as const, value: b.phone, verified: true }] : []),
          ],
          profile: b, source: 'api', actor,
        });
        const given = Object.entries(b.consent ?? {}).filter((e): e is ['email' | 'sms', 'subscribed' | 'unsubscribed' | 'pending'] => e[1] !== undefined);
        await consent.setMany(tx, given.map(([channel, status]) => ({
          customerId: r.customerId, channel, status, source: 'api', method: 'api', actor, evidence: { ip: req.ip, userAgent: req.headers['user-agent'] ?? null, form: 'REST API upsert' },
        })));
        return r;
      });
      return reply.status(res.created ? 201 : 200).send(await customers.get(res.customerId));
    });

  app.get('/api/customers/export', { config: { access: 'customers:read' }, schema: { tags, summary: 'Export the filtered customers as CSV', querystring: customerListQuerySchema.omit({ cursor: true, limit: true }) } },
    async (req, reply) => {
      const { sort, ...filter } = req.query;
      const { currency } = await getStoreSettings(db);
      const header = ['id', 'first_name', 'last_name', 'email', 'phone', 'country', 'tags', 'order_count', `total_spent_${currency}`, `refunded_${currency}`, 'first_order_at', 'last_order_at', 'created_at'];
      let out = header.join(',') + '\n';
      let cursor: string | undefined;
      // Pages of 1,000 keep memory flat; the body is assembled as text (exports are bounded by the filter).
      for (let i = 0; i < 2000; i++) {
        const page = await listCustomers(db, filter, sort, 1000, cursor);
        for (const c of page.rows) {
          out += [c.id, c.first_name, c.last_name, c.email, c.phone, c.country, c.tags, c.order_count, fromMinor(c.total_spent, currency), fromMinor(c.refunded, currency), c.first_order_at, c.last_order_at, c.created_at].map(csvCell).join(',') + '\n';
        }
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="customers.csv"').send(out);
    });

  app.get('/api/customers/tags', { config: { access: 'customers:read' }, schema: { tags, summary: 'Tags in use, most used first', response: { 200: z.object({ items: z.array(z.object({ tag: z.string(), count: z.number() })) }) } } },
    async () => {
      const rows = await sql<{ tag: string; count: number }>`select t as tag, count(*)::int as count from customers, unnest(tags) t where merged_into is null group by t order by count desc, t limit 500`.execute(db);
      return { items: rows.rows };
    });

  app.post('/api/customers/merge', { config: { access: 'customers:write' }, schema: { tags, summary: 'Merge two profiles; the survivor keeps everything of both', body: mergeBodySchema, response: { 200: customerDetailSchema } } },
    async (req) => customers.merge(actorOf(req), req.body.survivorId, req.body.mergedId, req.body.choose));

  app.get('/api/customers/:id', { config: { access: 'customers:read' }, schema: { tags, summary: 'A customer with identities and commerce figures', params: idOnly, response: { 200: customerDetailSchema } } },
    async (req) => customers.get(req.params.id));

  app.patch('/api/customers/:id', { config: { access: 'customers:write' }, schema: { tags, summary: 'Update profile fields (null clears one)', params: idOnly, body: updateCustomerBodySchema, response: { 200: customerDetailSchema } } },
    async (req) => edits.update(actorOf(req), req.params.id, req.body));

  app.get('/api/customers/:id/activities', { config: { access: 'customers:read' }, schema: { tags, summary: 'The customer’s activity timeline, newest first', params: idOnly,
    querystring: z.strictObject({ types: z.string().max(2000).optional(), cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
    response: { 200: z.object({ items: z.array(activityOut), nextCursor: z.string().nullable() }) } } },
    async (req) => {
      const before = req.query.cursor ? decodeActivityCursor(req.query.cursor) : undefined;
      const types = req.query.types?.split(',').map((t) => t.trim()).filter(Boolean);
      const items = await activities.forCustomer(db, req.params.id, { limit: req.query.limit + 1, types, before });
      const page = items.slice(0, req.query.limit);
      const last = page.at(-1);
      return { items: page, nextCursor: items.length > req.query.limit && last ? `${last.occurredAt.toISOString()}_${last.id}` : null };
    });

  app.get('/api/customers/:id/activity-types', { config: { access: 'customers:read' }, schema: { tags, summary: 'Activity types on this timeline with counts', params: idOnly, response: { 200: z.object({ items: z.array(z.object({ type: z.string(), count: z.number() })) }) } } },
    async (req) => ({ items: (await sql<{ type: string; count: number }>`select type, count(*)::int as count from activities where customer_id = ${req.params.id} group by type order by count desc`.execute(db)).rows }));

  app.get('/api/customers/:id/notes', { config: { access: 'customers:read' }, schema: { tags, summary: 'Notes by the team', params: idOnly, response: { 200: z.object({ items: z.array(noteSchema) }) } } },
    async (req) => ({ items: await edits.notes(req.params.id) }));

  app.post('/api/customers/:id/notes', { config: { access: 'customers:write' }, schema: { tags, summary: 'Add a note (mention a teammate with @their@email)', params: idOnly, body: createNoteBodySchema, response: { 201: noteSchema } } },
    async (req, reply) => reply.status(201).send(await edits.addNote(actorOf(req), req.params.id, req.body.body)));

  app.delete('/api/customer-notes/:id', { config: { access: 'customers:write' }, schema: { tags, summary: 'Delete a note (its author or an admin)', params: idOnly, response: { 204: z.null() } } },
    async (req, reply) => {
      await edits.deleteNote(actorOf(req), ['owner', 'admin'].includes(effectiveRole(req)), req.params.id);
      return reply.status(204).send(null);
    });

  app.get('/api/customers/:id/merges', { config: { access: 'customers:read' }, schema: { tags, summary: 'Merges this profile took part in, with what moved', params: idOnly, response: { 200: z.object({ items: z.array(mergeRecordSchema) }) } } },
    async (req) => {
      const rows = await db.selectFrom('customer_merges').selectAll().where((eb) => eb.or([eb('survivor_id', '=', req.params.id), eb('merged_id', '=', req.params.id)])).orderBy('created_at', 'desc').execute();
      return { items: rows.map((r) => ({ id: r.id, survivorId: r.survivor_id, mergedId: r.merged_id, reason: r.reason, actorLabel: r.actor_label, moved: r.moved as Record<string, unknown>, chosen: r.chosen as Record<string, unknown>, mergedSnapshot: r.merged_snapshot, createdAt: r.created_at })) };
    });

  app.get('/api/customer-views', { config: { access: 'customers:read' }, schema: { tags, summary: 'Saved customer list views (yours and shared ones)', response: { 200: z.object({ items: z.array(savedViewSchema) }) } } },
    async (req) => ({ items: await edits.listViews(actorOf(req).type === 'user' ? actorOf(req).id : null) }));

  app.post('/api/customer-views', { config: { access: 'customers:read' }, schema: { tags, summary: 'Save a customer list view', body: createViewBodySchema, response: { 201: savedViewSchema } } },
    async (req, reply) => reply.status(201).send(await edits.createView(actorOf(req), req.body)));

  app.delete('/api/customer-views/:id', { config: { access: 'customers:read' }, schema: { tags, summary: 'Delete a saved view (its owner or an admin)', params: idOnly, response: { 204: z.null() } } },
    async (req, reply) => {
      await edits.deleteView(actorOf(req), ['owner', 'admin'].includes(effectiveRole(req)), req.params.id);
      return reply.status(204).send(null);
    });
}

function decodeActivityCursor(c: string): { occurredAt: Date; id: string } {
  const [t, id] = c.split('_');
  const d = new Date(t ?? '');
  if (!id || Number.isNaN(d.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw badRequest('The cursor is not valid: pass the nextCursor of the previous page unchanged.', [{ pointer: '/querystring/cursor', detail: 'is not a cursor from this API' }]);
  }
  return { occurredAt: d, id };
}
