import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { customerContextSchema } from './context.schemas.ts';
import type { ContextService } from './context.service.ts';
import { followUp, mergeTickets } from './tickets.actions.ts';
import type { AgentActions } from './tickets.agent.service.ts';
import { createTicketBody, followUpBody, mergeBody, noteBody, replyBody, socialInboundBody, socialInboundResult, updateTicketBody } from './tickets.routes.schemas.ts';
import { messageSchema, ticketDetailSchema, ticketSchema } from './tickets.schemas.ts';
import type { TicketService } from './tickets.service.ts';
import type { Db } from '../../platform/db/db.ts';

const tags = ['Support'];
const idOnly = z.strictObject({ id: z.guid({ error: 'must be a UUID' }) });
const read = { access: 'support:read' } as const;
const write = { access: 'support:write' } as const;
const withMessage = z.object({ ticket: ticketSchema, message: messageSchema });

export function ticketRoutes(app: ZodApp, d: { db: Db; tickets: TicketService; agent: AgentActions; context: ContextService }): void {
  app.post('/api/support/tickets', { config: write, schema: { tags, summary: 'Log a ticket by hand (phone call, walk-in, forwarded mail): finds or creates the customer', body: createTicketBody, response: { 201: ticketSchema } } },
    async (req, reply) => reply.status(201).send(await d.agent.create(actorOf(req), req.body)));

  app.get('/api/support/tickets/:id', { config: read, schema: { tags, summary: 'A ticket with its messages (attachments included) and history', params: idOnly, response: { 200: ticketDetailSchema } } },
    async (req) => d.tickets.detail(req.params.id));

  app.patch('/api/support/tickets/:id', { config: write, schema: { tags, summary: 'Change status, priority, subject, tags, assignee, team, custom fields or language', params: idOnly, body: updateTicketBody, response: { 200: ticketSchema } } },
    async (req) => d.agent.update(actorOf(req), req.params.id, req.body));

  app.post('/api/support/tickets/:id/reply', { config: write, schema: { tags, summary: 'Reply to the customer (email tickets are emailed; Liquid variables are filled in; optional status after and macro actions)', params: idOnly, body: replyBody, response: { 200: withMessage } } },
    async (req) => d.agent.reply(actorOf(req), req.params.id, req.body));

  app.post('/api/support/tickets/:id/notes', { config: write, schema: { tags, summary: 'An internal note (agents only); mentioned people are notified', params: idOnly, body: noteBody, response: { 200: withMessage } } },
    async (req) => d.agent.note(actorOf(req), req.params.id, req.body));

  app.post('/api/support/tickets/:id/merge', { config: write, schema: { tags, summary: 'Merge this (duplicate) ticket into another: messages move, this one closes and points there', params: idOnly, body: mergeBody, response: { 200: ticketSchema } } },
    async (req) => mergeTickets(d.db, d.tickets, actorOf(req), req.params.id, req.body.intoId));

  app.post('/api/support/tickets/:id/follow-up', { config: write, schema: { tags, summary: 'Start a follow-up ticket from a solved or closed one', params: idOnly, body: followUpBody, response: { 201: ticketSchema } } },
    async (req, reply) => reply.status(201).send(await followUp(d.db, d.tickets, actorOf(req), req.params.id, req.body)));

  app.get('/api/support/tickets/:id/context', { config: read, schema: { tags, summary: 'The customer beside a conversation: profile, lifetime value, recent orders with items and tracking, open cart, segments, previous tickets', params: idOnly, response: { 200: customerContextSchema } } },
    async (req) => d.context.forTicket(req.params.id));

  app.get('/api/support/customers/:id/context', { config: read, schema: { tags, summary: 'The same customer context, for a customer', params: idOnly, response: { 200: customerContextSchema } } },
    async (req) => d.context.forCustomer(req.params.id));

  app.post('/api/support/inbound/social', { config: write, schema: { tags, summary: 'A social message from an integration (API key with support:write): joins its conversation\'s open ticket or starts one; idempotent on network + messageId', body: socialInboundBody, response: { 200: socialInboundResult, 201: socialInboundResult } } },
    async (req, reply) => {
      const r = await d.agent.socialInbound(actorOf(req), req.body);
      return reply.status(r.created ? 201 : 200).send(r);
    });
}
