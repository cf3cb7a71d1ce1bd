import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, baseUrl } from '../../../platform/http/context.ts';
import type { ZodApp } from '../../../platform/http/server.ts';
import type { StoreConnectionsService } from './connections.service.ts';
import type { WebhookReceiver } from './receive.service.ts';
import {
  PLATFORMS, createStoreConnectionBodySchema, inboundDeliveriesPageSchema, inboundDeliveriesQuerySchema, inboundDeliverySchema, storeConnectionSchema, storeConnectionsPageSchema,
  updateStoreConnectionBodySchema, webhookReceiptSchema,
} from './webhooks.schemas.ts';

const idParams = z.object({ id: z.uuid() });

/** /api/store-connections: connect stores and read what their webhooks did. */
export function storeConnectionRoutes(app: ZodApp, svc: StoreConnectionsService, publicUrl: string | undefined): void {
  const tags = ['Integrations'];
  app.get('/api/store-connections', { config: { access: 'integrations:read' }, schema: { tags, summary: 'Store connections (Shopify, WooCommerce, BigCommerce) with their webhook URLs', response: { 200: storeConnectionsPageSchema } } },
    async (req) => ({ items: await svc.list(baseUrl(req, publicUrl)) }));

  app.post('/api/store-connections', { config: { access: 'integrations:write' }, schema: { tags, summary: 'Connect a store; the secret is never returned again', body: createStoreConnectionBodySchema, response: { 201: storeConnectionSchema } } },
    async (req, reply) => reply.status(201).send(await svc.create(actorOf(req), req.body, baseUrl(req, publicUrl))));

  app.get('/api/store-connections/:id', { config: { access: 'integrations:read' }, schema: { tags, summary: 'A store connection', params: idParams, response: { 200: storeConnectionSchema } } },
    async (req) => svc.get(req.params.id, baseUrl(req, publicUrl)));

  app.patch('/api/store-connections/:id', { config: { access: 'integrations:write' }, schema: { tags, summary: 'Rename, rotate the secret, or set or remove API credentials', params: idParams, body: updateStoreConnectionBodySchema, response: { 200: storeConnectionSchema } } },
    async (req) => svc.update(actorOf(req), req.params.id, req.body, baseUrl(req, publicUrl)));

  app.delete('/api/store-connections/:id', { config: { access: 'integrations:write' }, schema: { tags, summary: 'Remove a store connection and its delivery log (data already imported stays)', params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await svc.remove(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });

  app.get('/api/store-connections/:id/deliveries', { config: { access: 'integrations:read' }, schema: { tags, summary: 'Recent webhook deliveries from this store and what became of them, newest first', params: idParams, querystring: inboundDeliveriesQuerySchema, response: { 200: inboundDeliveriesPageSchema } } },
    async (req) => svc.deliveries(req.params.id, req.query));

  app.post('/api/store-connections/:id/deliveries/:deliveryId/retry', { config: { access: 'integrations:write' }, schema: { tags, summary: 'Process a delivery again (e.g. after adding API credentials)', params: z.object({ id: z.uuid(), deliveryId: z.uuid() }), response: { 200: inboundDeliverySchema } } },
    async (req) => svc.retryDelivery(actorOf(req), req.params.id, req.params.deliveryId));
}

const RECEIVE_DOCS: Record<(typeof PLATFORMS)[number], string> = {
  shopify: 'Signed with X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the raw body with the app’s client secret); topic in X-Shopify-Topic, delivery id in X-Shopify-Webhook-Id.',
  woocommerce: 'Signed with X-WC-Webhook-Signature (base64 HMAC-SHA256 of the raw body with the webhook secret); topic in X-WC-Webhook-Topic, delivery id in X-WC-Webhook-Delivery-ID. The unsigned creation ping (webhook_id=N) is answered 200 and not stored.',
  bigcommerce: 'Signed with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature: v1,<base64>) using the app’s client secret; topic in the body’s "scope".',
};

/**
 * /v1/webhooks/<platform>/<connectionId>: machine-to-machine, authenticated by the signature
 * alone. An encapsulated plugin keeps the raw body (signatures are over its exact bytes).
 */
export function receiveRoutes(app: ZodApp, receiver: WebhookReceiver, bodyLimit: number): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
    const r = scope.withTypeProvider<ZodTypeProvider>();
    for (const platform of PLATFORMS) {
      r.post(`/v1/webhooks/${platform}/:connectionId`, {
        bodyLimit,
        config: { access: 'public' },
        schema: {
          tags: ['Webhooks (inbound)'], summary: `Receive a ${platform} webhook`, description: `${RECEIVE_DOCS[platform]} Acknowledged (200) once stored; a redelivery changes nothing. A bad or missing signature is a 401 and nothing is stored.`,
          params: z.object({ connectionId: z.uuid() }), response: { 200: webhookReceiptSchema },
        },
      }, async (req) => receiver.receive(platform, req.params.connectionId, { headers: req.headers, body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) }, req.headers['content-type']));
    }
  });
}
