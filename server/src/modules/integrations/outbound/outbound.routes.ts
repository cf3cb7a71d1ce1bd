import { z } from 'zod';
import { actorOf } from '../../../platform/http/context.ts';
import type { ZodApp } from '../../../platform/http/server.ts';
import type { OutboundWebhooks } from './outbound.service.ts';
import {
  createSubscriptionBodySchema, createdSubscriptionSchema, outboundDeliveriesPageSchema, outboundDeliveriesQuerySchema, subscriptionSchema, subscriptionsPageSchema, testResultSchema,
  updateSubscriptionBodySchema,
} from './outbound.schemas.ts';

const idParams = z.object({ id: z.uuid() });

/** /api/webhook-subscriptions: send the activity stream to other systems, signed with Standard Webhooks. */
export function outboundRoutes(app: ZodApp, svc: OutboundWebhooks): void {
  const tags = ['Integrations'];
  app.get('/api/webhook-subscriptions', { config: { access: 'integrations:read' }, schema: { tags, summary: 'Outbound webhook subscriptions', response: { 200: subscriptionsPageSchema } } },
    async () => ({ items: await svc.list() }));

  app.post('/api/webhook-subscriptions', { config: { access: 'integrations:write', secretResponse: true }, schema: { tags, summary: 'Subscribe an endpoint to activity types; the signing secret is in this response only', body: createSubscriptionBodySchema, response: { 201: createdSubscriptionSchema } } },
    async (req, reply) => reply.status(201).send(await svc.create(actorOf(req), req.body)));

  app.get('/api/webhook-subscriptions/:id', { config: { access: 'integrations:read' }, schema: { tags, summary: 'An outbound webhook subscription', params: idParams, response: { 200: subscriptionSchema } } },
    async (req) => svc.get(req.params.id));

  app.patch('/api/webhook-subscriptions/:id', { config: { access: 'integrations:write' }, schema: { tags, summary: 'Change the URL, description or activity types; enable or disable', params: idParams, body: updateSubscriptionBodySchema, response: { 200: subscriptionSchema } } },
    async (req) => svc.update(actorOf(req), req.params.id, req.body));

  app.delete('/api/webhook-subscriptions/:id', { config: { access: 'integrations:write' }, schema: { tags, summary: 'Delete a subscription (pending deliveries are dropped)', params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await svc.remove(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });

  app.get('/api/webhook-subscriptions/:id/deliveries', { config: { access: 'integrations:read' }, schema: { tags, summary: 'Delivery attempts, newest first', params: idParams, querystring: outboundDeliveriesQuerySchema, response: { 200: outboundDeliveriesPageSchema } } },
    async (req) => svc.deliveries(req.params.id, req.query));

  app.post('/api/webhook-subscriptions/:id/test', { config: { access: 'integrations:write' }, schema: { tags, summary: 'Send a signed webhook.test event now and report the answer', params: idParams, response: { 200: testResultSchema } } },
    async (req) => svc.test(actorOf(req), req.params.id));
}
