import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { createRuleBody, ruleSchema, updateRuleBody } from './rules.definition.ts';
import type { RulesService } from './rules.service.ts';

const tags = ['Support'];
const idOnly = z.strictObject({ id: z.guid({ error: 'must be a UUID' }) });
const read = { access: 'support:read' } as const;
// Rules route every customer's message: changing them is an admin's job (settings), like other automation.
const admin = { access: 'settings:write' } as const;

export function ruleRoutes(app: ZodApp, rules: RulesService): void {
  app.get('/api/support/rules', { config: read, schema: { tags, summary: 'Routing rules in the order they run', response: { 200: z.object({ items: z.array(ruleSchema) }) } } },
    async () => ({ items: await rules.list() }));

  app.post('/api/support/rules', { config: admin, schema: { tags, summary: 'Create a rule: conditions (channel, words, segment, order value, language, …) → actions (assign, round-robin, priority, tags, auto-reply)', body: createRuleBody, response: { 201: ruleSchema } } },
    async (req, reply) => reply.status(201).send(await rules.create(actorOf(req), req.body)));

  app.patch('/api/support/rules/:id', { config: admin, schema: { tags, summary: 'Change a rule (enable, disable, reorder, edit)', params: idOnly, body: updateRuleBody, response: { 200: ruleSchema } } },
    async (req) => rules.update(actorOf(req), req.params.id, req.body));

  app.delete('/api/support/rules/:id', { config: admin, schema: { tags, summary: 'Delete a rule', params: idOnly, response: { 204: z.null() } } },
    async (req, reply) => {
      await rules.remove(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });
}
