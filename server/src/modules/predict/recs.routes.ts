import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { idOnly } from '../customers/customers.schemas.ts';
import { buildAcceptedSchema, cartBodySchema, customerRecsQuerySchema, productRecommendationsSchema, recommendationListSchema, recsOverviewSchema, recsQuerySchema } from './recs.schemas.ts';
import type { RecsService } from './recs.service.ts';

const tags = ['Predict'];
const read = { access: 'predict:read' } as const;
const write = { access: 'predict:write' } as const;

/** /api/predict/recommendations: lookups of the precomputed lists, the model's builds, a rebuild. */
export function recsRoutes(app: ZodApp, recs: RecsService): void {
  app.get('/api/predict/recommendations', { config: read, schema: { tags, summary: 'Product recommendations: the latest build (figures, parameters, backtest table) and recent builds', response: { 200: recsOverviewSchema } } },
    async () => recs.overview());

  app.post('/api/predict/recommendations/build', { config: write, schema: { tags, summary: 'Rebuild the recommendations now (queued; requests while one waits coalesce; it also runs nightly)', response: { 202: buildAcceptedSchema } } },
    async (req, reply) => reply.status(202).send(await recs.requestBuild(actorOf(req))));

  app.get('/api/predict/recommendations/customer/:id', { config: read, schema: { tags, summary: 'A customer’s top products: similar to what they bought or viewed, what they may buy again, best-sellers for new customers', params: idOnly, querystring: customerRecsQuerySchema, response: { 200: recommendationListSchema } } },
    async (req) => recs.forCustomer(req.params.id, req.query.limit, req.query.kind));

  app.get('/api/predict/recommendations/product/:id', { config: read, schema: { tags, summary: 'Products similar to one, and products frequently bought together with it (confidence, lift)', params: idOnly, querystring: recsQuerySchema, response: { 200: productRecommendationsSchema } } },
    async (req) => recs.forProduct(req.params.id, req.query.limit));

  // A POST because a cart is a list; it reads only (nothing is written, so nothing to audit).
  app.post('/api/predict/recommendations/cart', { config: read, schema: { tags, summary: 'Products to suggest beside a cart: frequently bought together with its products first, then similar ones', body: cartBodySchema, response: { 200: recommendationListSchema } } },
    async (req) => recs.forCart(req.body.productIds, req.body.limit));
}
