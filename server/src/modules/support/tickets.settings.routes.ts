import { z } from 'zod';
import type { Actor } from '../../platform/audit/audit.ts';
import { actorOf, principalOf } from '../../platform/http/context.ts';
import { badRequest } from '../../platform/http/problem.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { agentSchema, availabilityBody, fieldBody, fieldSchema, teamBody, teamSchema, updateTeamBody } from './tickets.settings.schemas.ts';
import type { SupportSettingsService } from './tickets.settings.service.ts';

const tags = ['Support'];
const idOnly = z.strictObject({ id: z.guid({ error: 'must be a UUID' }) });
const read = { access: 'support:read' } as const;
const admin = { access: 'settings:write' } as const;

export function supportSettingsRoutes(app: ZodApp, s: SupportSettingsService): void {
  app.get('/api/support/teams', { config: read, schema: { tags, summary: 'Teams with their members and open tickets', response: { 200: z.object({ items: z.array(teamSchema) }) } } },
    async () => ({ items: await s.teams() }));
  app.post('/api/support/teams', { config: admin, schema: { tags, summary: 'Create a team', body: teamBody, response: { 201: teamSchema } } },
    async (req, reply) => reply.status(201).send(await s.createTeam(actorOf(req), req.body)));
  app.patch('/api/support/teams/:id', { config: admin, schema: { tags, summary: 'Rename a team or set its members', params: idOnly, body: updateTeamBody, response: { 200: teamSchema } } },
    async (req) => s.updateTeam(actorOf(req), req.params.id, req.body));
  app.delete('/api/support/teams/:id', { config: admin, schema: { tags, summary: 'Delete a team (its tickets keep their assignee)', params: idOnly, response: { 204: z.null() } } },
    async (req, reply) => {
      await s.deleteTeam(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });

  app.get('/api/support/agents', { config: read, schema: { tags, summary: 'People who work tickets: availability, teams, open tickets', response: { 200: z.object({ items: z.array(agentSchema) }) } } },
    async () => ({ items: await s.agents() }));
  app.put('/api/support/agents/me/availability', { config: read, schema: { tags, summary: 'Say whether you take new tickets (round-robin skips agents who are away)', body: availabilityBody, response: { 204: z.null() } } },
    async (req, reply) => {
      const p = principalOf(req);
      if (p.kind !== 'user') throw badRequest('Availability is a person\'s: log in as the agent (an API key is not an agent).');
      await s.setAvailability(actorOf(req) as Actor & { id: string }, req.body.available);
      return reply.status(204).send(null);
    });

  app.get('/api/support/fields', { config: read, schema: { tags, summary: 'Custom ticket fields', response: { 200: z.object({ items: z.array(fieldSchema) }) } } },
    async () => ({ items: await s.fields() }));
  app.post('/api/support/fields', { config: admin, schema: { tags, summary: 'Define a custom ticket field (text, number, boolean, date, select)', body: fieldBody, response: { 201: fieldSchema } } },
    async (req, reply) => reply.status(201).send(await s.createField(actorOf(req), req.body)));
  app.delete('/api/support/fields/:id', { config: admin, schema: { tags, summary: 'Delete a custom field (values stay on tickets)', params: idOnly, response: { 204: z.null() } } },
    async (req, reply) => {
      await s.deleteField(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });
}
