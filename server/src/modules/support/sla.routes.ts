import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { SlaConfig } from './sla.config.ts';
import { atRiskSchema, calendarBody, calendarSchema, idParams, policyBody, policySchema, reorderBody, ticketSlaSchema } from './sla.schemas.ts';
import type { SlaService } from './sla.service.ts';

const tags = ['Support SLA'];
const read = { access: 'support:read' } as const;
// Changing targets and hours is an admin's job (as the other support settings): agents read them.
const write = { access: 'settings:write' } as const;

/** Business-hours calendars, SLA policies and each ticket's SLA countdown. */
export function slaRoutes(app: ZodApp, d: { config: SlaConfig; sla: SlaService }): void {
  const { config } = d;
  app.get('/api/support/calendars', { config: read, schema: { tags, summary: 'Business-hours calendars, the default first', response: { 200: z.object({ items: z.array(calendarSchema) }) } } },
    async () => ({ items: await config.calendars() }));
  app.post('/api/support/calendars', { config: write, schema: { tags, summary: 'Create a calendar (the first one becomes the default)', body: calendarBody, response: { 201: calendarSchema } } },
    async (req, reply) => reply.status(201).send(await config.createCalendar(actorOf(req), req.body)));
  app.get('/api/support/calendars/:id', { config: read, schema: { tags, summary: 'A calendar', params: idParams, response: { 200: calendarSchema } } },
    async (req) => config.calendar(req.params.id));
  app.put('/api/support/calendars/:id', { config: write, schema: { tags, summary: 'Replace a calendar\'s hours, holidays, zone or name', params: idParams, body: calendarBody, response: { 200: calendarSchema } } },
    async (req) => config.updateCalendar(actorOf(req), req.params.id, req.body));
  app.delete('/api/support/calendars/:id', { config: write, schema: { tags, summary: 'Delete a calendar no policy uses (not the default)', params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await config.deleteCalendar(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });

  app.get('/api/support/sla/policies', { config: read, schema: { tags, summary: 'SLA policies in the order they are tried', response: { 200: z.object({ items: z.array(policySchema) }) } } },
    async () => ({ items: await config.policies() }));
  app.post('/api/support/sla/policies', { config: write, schema: { tags, summary: 'Create a policy (tried after the existing ones)', body: policyBody, response: { 201: policySchema } } },
    async (req, reply) => reply.status(201).send(await config.createPolicy(actorOf(req), req.body)));
  app.put('/api/support/sla/policies/order', { config: write, schema: { tags, summary: 'Set the order policies are tried in (every id once)', body: reorderBody, response: { 200: z.object({ items: z.array(policySchema) }) } } },
    async (req) => ({ items: await config.reorder(actorOf(req), req.body.ids) }));
  app.get('/api/support/sla/policies/:id', { config: read, schema: { tags, summary: 'A policy', params: idParams, response: { 200: policySchema } } },
    async (req) => config.policy(req.params.id));
  app.put('/api/support/sla/policies/:id', { config: write, schema: { tags, summary: 'Replace a policy (applies to new tickets and to priority changes)', params: idParams, body: policyBody, response: { 200: policySchema } } },
    async (req) => config.updatePolicy(actorOf(req), req.params.id, req.body));
  app.delete('/api/support/sla/policies/:id', { config: write, schema: { tags, summary: 'Delete a policy (tickets keep the targets they have)', params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await config.deletePolicy(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });

  app.get('/api/support/sla/at-risk', { config: read, schema: { tags, summary: 'Open tickets whose next SLA deadline is at risk (under 25 % left) or past, soonest first', querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }), response: { 200: atRiskSchema } } },
    async (req) => d.sla.atRisk(new Date(), req.query.limit));

  app.get('/api/support/tickets/:id/sla', { config: read, schema: { tags, summary: 'The ticket\'s SLA countdown: policy, targets, due times, business minutes left, state', params: idParams, response: { 200: ticketSlaSchema } } },
    async (req) => d.sla.ticketSla(req.params.id));
}
