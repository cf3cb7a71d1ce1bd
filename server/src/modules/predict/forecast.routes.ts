import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { overviewSchema, runBody, seriesDetailSchema, seriesKindSchema, seriesListQuery, seriesListSchema, stockBody, stockListSchema, stockResultSchema } from './forecast.schemas.ts';
import type { ForecastService } from './forecast.service.ts';

const tags = ['Predict'];
const read = { access: 'predict:read' } as const;
const write = { access: 'predict:write' } as const;

export function forecastRoutes(app: ZodApp, forecast: ForecastService): void {
  app.get('/api/predict/forecast', { config: read, schema: { tags, summary: 'Demand forecast: the latest run with its accuracy (sMAPE vs the naive baseline), categories, flagged products', response: { 200: overviewSchema } } },
    async () => forecast.overview());

  app.get('/api/predict/forecast/series', { config: read, schema: { tags, summary: 'Products, categories or the store with forecast totals, backtest accuracy and stock flags (cursor pagination)', querystring: seriesListQuery, response: { 200: seriesListSchema } } },
    async (req) => forecast.list(req.query));

  app.get('/api/predict/forecast/series/:kind/:key', {
    config: read,
    schema: {
      tags, summary: 'One series: weekly history, forecast with its 95% interval, backtest weeks, stock',
      params: z.strictObject({ kind: seriesKindSchema, key: z.string().min(1).max(300).describe('Product id, category name, or "all"') }),
      response: { 200: seriesDetailSchema },
    },
  }, async (req) => forecast.get(req.params.kind, req.params.key));

  app.post('/api/predict/forecast/runs', { config: write, schema: { tags, summary: 'Recompute the forecast now (queued; one at a time)', body: runBody.default({ horizon: 12 }), response: { 202: z.object({ queued: z.literal(true), horizon: z.number().int() }) } } },
    async (req, reply) => reply.status(202).send(await forecast.requestRun(actorOf(req), req.body.horizon)));

  app.get('/api/predict/stock', { config: read, schema: { tags, summary: 'Stock levels given for the forecast', querystring: z.strictObject({ cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }), response: { 200: stockListSchema } } },
    async (req) => forecast.listStock(req.query.cursor, req.query.limit));

  app.put('/api/predict/stock', { config: write, schema: { tags, summary: 'Set stock levels by SKU or product id (absolute quantities; 422 naming unknown SKUs unless skipUnknown)', body: stockBody, response: { 200: stockResultSchema } } },
    async (req) => forecast.putStock(actorOf(req), req.body));

  app.delete('/api/predict/stock/:productId', { config: write, schema: { tags, summary: 'Forget a product’s stock level', params: z.strictObject({ productId: z.guid({ error: 'must be a product id (UUID)' }) }), response: { 204: z.null() } } },
    async (req, reply) => {
      await forecast.deleteStock(actorOf(req), req.params.productId);
      return reply.status(204).send(null);
    });
}
