import { z } from 'zod';
import type { Db } from '../../platform/db/db.ts';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { idOnly } from '../customers/customers.schemas.ts';
import {
  cartInputSchema, cartSchema, orderDetailSchema, orderInputSchema, orderLineSchema, orderSchema, productDetailSchema, productInputSchema, productSchema,
  refundInputSchema, refundSchema, upsertResultSchema,
} from './commerce.schemas.ts';
import { customerCarts, customerOrders, customerRefunds, getOrder, getProduct, listOrders, listProducts } from './commerce.query.ts';
import type { CommerceService } from './commerce.service.ts';

const page = { cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) };
const date = z.coerce.date({ error: 'must be a date (ISO 8601)' });

export function commerceRoutes(app: ZodApp, db: Db, commerce: CommerceService): void {
  const tags = ['Commerce'];
  app.get('/api/orders', { config: { access: 'commerce:read' }, schema: { tags, summary: 'Orders, newest first; search by number, external id or email', querystring: z.strictObject({
    q: z.string().max(200).optional(), customerId: z.guid().optional(), productId: z.guid().optional(), status: z.enum(['open', 'completed', 'cancelled']).optional(), from: date.optional(), to: date.optional(), ...page,
  }), response: { 200: z.object({ items: z.array(orderSchema), nextCursor: z.string().nullable() }) } } },
    async (req) => {
      const { cursor, limit, ...f } = req.query;
      return listOrders(db, f, limit, cursor);
    });

  app.post('/api/orders', { config: { access: 'commerce:write' }, schema: { tags, summary: 'Create or update an order by source and external id (money in minor units)', body: orderInputSchema, response: { 200: upsertResultSchema, 201: upsertResultSchema } } },
    async (req, reply) => {
      const r = await commerce.upsertOrder(actorOf(req), req.body, { verified: true });
      return reply.status(r.created ? 201 : 200).send(r);
    });

  app.get('/api/orders/:id', { config: { access: 'commerce:read' }, schema: { tags, summary: 'An order with its lines and refunds', params: idOnly, response: { 200: orderDetailSchema } } },
    async (req) => getOrder(db, req.params.id));

  app.post('/api/refunds', { config: { access: 'commerce:write' }, schema: { tags, summary: 'Record a refund or cancellation (idempotent by source and external id)', body: refundInputSchema, response: { 200: upsertResultSchema, 201: upsertResultSchema } } },
    async (req, reply) => {
      const r = await commerce.upsertRefund(actorOf(req), req.body, { verified: true });
      return reply.status(r.created ? 201 : 200).send(r);
    });

  app.post('/api/carts', { config: { access: 'commerce:write' }, schema: { tags, summary: 'Create or update a cart or checkout', body: cartInputSchema, response: { 200: upsertResultSchema, 201: upsertResultSchema } } },
    async (req, reply) => {
      const r = await commerce.upsertCart(actorOf(req), req.body, { verified: true });
      return reply.status(r.created ? 201 : 200).send(r);
    });

  app.get('/api/products', { config: { access: 'commerce:read' }, schema: { tags, summary: 'Products; search by title, SKU or external id', querystring: z.strictObject({ q: z.string().max(200).optional(), category: z.string().max(200).optional(), ...page }),
    response: { 200: z.object({ items: z.array(productSchema), nextCursor: z.string().nullable() }) } } },
    async (req) => {
      const { cursor, limit, ...f } = req.query;
      return listProducts(db, f, limit, cursor);
    });

  app.post('/api/products', { config: { access: 'commerce:write' }, schema: { tags, summary: 'Create or update a product by source and external id', body: productInputSchema, response: { 200: upsertResultSchema, 201: upsertResultSchema } } },
    async (req, reply) => {
      const r = await commerce.upsertProduct(actorOf(req), req.body);
      return reply.status(r.created ? 201 : 200).send(r);
    });

  app.get('/api/products/:id', { config: { access: 'commerce:read' }, schema: { tags, summary: 'A product with variants and sales figures', params: idOnly, response: { 200: productDetailSchema } } },
    async (req) => getProduct(db, req.params.id));

  app.get('/api/customers/:id/orders', { config: { access: 'commerce:read' }, schema: { tags, summary: 'A customer’s orders with their lines', params: idOnly, response: { 200: z.object({ items: z.array(orderSchema.extend({ lines: z.array(orderLineSchema) })) }) } } },
    async (req) => ({ items: await customerOrders(db, req.params.id, 500) }));

  app.get('/api/customers/:id/refunds', { config: { access: 'commerce:read' }, schema: { tags, summary: 'A customer’s refunds and cancellations', params: idOnly, response: { 200: z.object({ items: z.array(refundSchema) }) } } },
    async (req) => ({ items: await customerRefunds(db, req.params.id) }));

  app.get('/api/customers/:id/carts', { config: { access: 'commerce:read' }, schema: { tags, summary: 'A customer’s carts and checkouts', params: idOnly, response: { 200: z.object({ items: z.array(cartSchema) }) } } },
    async (req) => ({ items: await customerCarts(db, req.params.id) }));
}
