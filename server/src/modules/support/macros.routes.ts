import { z } from 'zod';
import { actorOf, principalOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { createMacroBody, macroSchema, renderedMacroSchema, updateMacroBody } from './macros.schemas.ts';
import type { MacrosService } from './macros.service.ts';

const tags = ['Support'];
const uuid = z.guid({ error: 'must be a UUID' });
const idOnly = z.strictObject({ id: uuid });
const read = { access: 'support:read' } as const;
const write = { access: 'support:write' } as const;

export function macroRoutes(app: ZodApp, macros: MacrosService): void {
  app.get('/api/support/macros', { config: read, schema: { tags, summary: 'Macros, most used first', response: { 200: z.object({ items: z.array(macroSchema) }) } } },
    async () => ({ items: await macros.list() }));

  app.post('/api/support/macros', { config: write, schema: { tags, summary: 'Create a macro: Liquid text ({{ customer.first_name }}, {{ last_order.number }}, {{ last_order.tracking_url }}, …) and actions', body: createMacroBody, response: { 201: macroSchema } } },
    async (req, reply) => reply.status(201).send(await macros.create(actorOf(req), req.body)));

  app.patch('/api/support/macros/:id', { config: write, schema: { tags, summary: 'Change a macro', params: idOnly, body: updateMacroBody, response: { 200: macroSchema } } },
    async (req) => macros.update(actorOf(req), req.params.id, req.body));

  app.delete('/api/support/macros/:id', { config: write, schema: { tags, summary: 'Delete a macro', params: idOnly, response: { 204: z.null() } } },
    async (req, reply) => {
      await macros.remove(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });

  app.post('/api/support/macros/:id/render', { config: read, schema: { tags, summary: 'A macro rendered for a ticket (nothing changes): the text to put in the reply box and its actions', params: idOnly, body: z.strictObject({ ticketId: uuid }), response: { 200: renderedMacroSchema } } },
    async (req) => {
      const p = principalOf(req);
      return macros.render(req.params.id, req.body.ticketId, p.kind === 'user' ? { name: p.name || p.email, email: p.email } : null);
    });
}
