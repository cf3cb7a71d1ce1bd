import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { importSpendBodySchema, importSpendResultSchema, spendListQuerySchema, spendSchema, upsertSpendBodySchema } from './analytics.schemas.ts';
import type { AnalyticsService } from './analytics.service.ts';

const tags = ['Analytics'];

export function spendRoutes(app: ZodApp, analytics: AnalyticsService): void {
  app.get('/api/analytics/spend', { config: { access: 'analytics:read' }, schema: { tags, summary: 'Marketing spend entries (per channel and month), newest month first', querystring: spendListQuerySchema,
    response: { 200: z.object({ items: z.array(spendSchema) }) } } },
  async (req) => ({ items: await analytics.listSpend(req.query.from, req.query.to) }));

  app.put('/api/analytics/spend', { config: { access: 'analytics:write' }, schema: { tags, summary: 'Set the spend of a channel in a month (creates or replaces it)', body: upsertSpendBodySchema,
    response: { 200: spendSchema, 201: spendSchema } } },
  async (req, reply) => {
    const r = await analytics.saveSpend(actorOf(req), req.body);
    return reply.status(r.created ? 201 : 200).send(r.spend);
  });

  app.delete('/api/analytics/spend/:id', { config: { access: 'analytics:write' }, schema: { tags, summary: 'Delete a spend entry', params: z.object({ id: z.uuid() }), response: { 204: z.null() } } },
    async (req, reply) => {
      await analytics.deleteSpend(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });

  app.post('/api/analytics/spend/import', { config: { access: 'analytics:write' }, schema: { tags, summary: 'Import spend from CSV text (channel, month, amount[, note]); all rows or none',
    description: 'Amounts in major units of the store currency ("1250.00"). A bad line refuses the whole file with 400 invalid-spend-csv, each error naming its line.',
    body: importSpendBodySchema, response: { 200: importSpendResultSchema } } },
  async (req) => analytics.importSpend(actorOf(req), req.body.csv, req.body.replace));
}
