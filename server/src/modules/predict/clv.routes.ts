import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { idOnly } from '../customers/customers.schemas.ts';
import { clvDiagnosticsSchema, clvFitRequestSchema, clvModelSchema, clvOverviewSchema, customerPredictionResponseSchema, topClvPageSchema, topClvQuerySchema } from './clv.schemas.ts';
import type { ClvService } from './clv.service.ts';

const tags = ['Predict'];

export function clvRoutes(app: ZodApp, clv: ClvService): void {
  app.get('/api/predict/clv', { config: { access: 'predict:read' }, schema: { tags, summary: 'The latest scoring and evaluation fits of the CLV models (BG/NBD + Gamma-Gamma), or why there is none', response: { 200: clvOverviewSchema } } },
    async () => clv.overview());

  app.post('/api/predict/clv/fit', {
    config: { access: 'predict:write' },
    schema: {
      tags, summary: 'Fit the purchase and spend models now. Without `until` the calibration ends on the day of the latest order and every customer’s predictions are refreshed; with an earlier day it is an evaluation fit against the orders after it (safe to retry: a repeat is just a newer fit)',
      body: clvFitRequestSchema.optional(), response: { 200: clvModelSchema },
    },
  }, async (req) => clv.fit(req.body ?? clvFitRequestSchema.parse({}), 'manual', actorOf(req)));

  app.get('/api/predict/clv/diagnostics', {
    config: { access: 'predict:read' },
    schema: { tags, summary: 'A fit’s diagnostics: frequency histogram, cumulative repeat transactions, conditional expectations by frequency (the latest scoring fit without `model`)', querystring: z.strictObject({ model: z.uuid('must be a model id').optional() }), response: { 200: clvDiagnosticsSchema } },
  }, async (req) => clv.diagnostics(req.query.model));

  app.get('/api/predict/clv/top', { config: { access: 'predict:read' }, schema: { tags, summary: 'Customers with the highest predicted CLV (cursor-paginated)', querystring: topClvQuerySchema, response: { 200: topClvPageSchema } } },
    async (req) => clv.top(req.query.limit, req.query.cursor));

  app.get('/api/customers/:id/predictions', { config: { access: 'predict:read' }, schema: { tags, summary: 'A customer’s P(alive), churn risk, expected orders, expected order value, CLV and next order date, or why there are none', params: idOnly, response: { 200: customerPredictionResponseSchema } } },
    async (req) => clv.forCustomer(req.params.id));
}
