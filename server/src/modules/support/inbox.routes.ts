import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, effectiveRole, principalOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { bulkBody, bulkResultSchema, createViewBody, listQuerySchema, markReadBody, notificationListSchema, savedViewSchema, ticketListSchema, viewCountsSchema } from './inbox.schemas.ts';
import type { InboxService } from './inbox.service.ts';

const tags = ['Support'];
const read = { access: 'support:read' } as const;
const write = { access: 'support:write' } as const;

/** The caller's user id ('mine' view, private saved views); API keys have none. */
const userIdOf = (req: FastifyRequest): string | null => {
  const p = principalOf(req);
  return p.kind === 'user' ? p.userId : null;
};

export function inboxRoutes(app: ZodApp, inbox: InboxService): void {
  app.get('/api/support/tickets', { config: read, schema: { tags, summary: 'Tickets of a view (mine, unassigned, open, sla, pending, solved, all, team:<id>, tag:<tag>, a saved view id), filtered and searched, newest activity first, cursor-paginated', querystring: listQuerySchema, response: { 200: ticketListSchema } } },
    async (req) => inbox.list(req.query, userIdOf(req)));

  app.get('/api/support/views', { config: read, schema: { tags, summary: 'The inbox views with their ticket counts: built-in, per team, top tags, saved', response: { 200: viewCountsSchema } } },
    async (req) => inbox.counts(userIdOf(req)));

  app.post('/api/support/views', { config: read, schema: { tags, summary: 'Save a custom view (private, or shared with everyone; an API key\'s views are shared)', body: createViewBody, response: { 201: savedViewSchema } } },
    async (req, reply) => reply.status(201).send(await inbox.createView(actorOf(req), req.body)));

  app.delete('/api/support/views/:id', { config: read, schema: { tags, summary: 'Delete a saved view (shared ones: admins)', params: z.strictObject({ id: z.guid({ error: 'must be a UUID' }) }), response: { 204: z.null() } } },
    async (req, reply) => {
      await inbox.deleteView(actorOf(req), ['owner', 'admin'].includes(effectiveRole(req)), req.params.id);
      return reply.status(204).send(null);
    });

  app.post('/api/support/tickets/bulk', { config: write, schema: { tags, summary: 'Change many tickets at once: status, priority, assignee, team, tags (closed tickets are skipped when reopening)', body: bulkBody, response: { 200: bulkResultSchema } } },
    async (req) => inbox.bulk(actorOf(req), req.body));

  app.get('/api/support/notifications', { config: read, schema: { tags, summary: 'Your notifications (mentions, assignments), newest first', response: { 200: notificationListSchema } } },
    async (req) => {
      const userId = userIdOf(req);
      // Notifications belong to people; an API key has none.
      return userId ? inbox.notifications(userId) : { items: [], unread: 0 };
    });

  app.post('/api/support/notifications/read', { config: read, schema: { tags, summary: 'Mark notifications read (ids, or all)', body: markReadBody, response: { 204: z.null() } } },
    async (req, reply) => {
      const userId = userIdOf(req);
      if (userId) await inbox.markRead(userId, req.body);
      return reply.status(204).send(null);
    });
}
