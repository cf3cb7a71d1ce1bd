import { Readable } from 'node:stream';
import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { idOnly } from '../customers/customers.schemas.ts';
import { customerRfmSchema, rfmCustomerPageSchema, rfmCustomersQuerySchema, rfmFilterSchema, rfmOverviewSchema, rfmRunSchema } from './rfm.schemas.ts';
import type { RfmService } from './rfm.service.ts';

const tags = ['RFM'];

export function rfmRoutes(app: ZodApp, rfm: RfmService): void {
  app.get('/api/rfm', { config: { access: 'segments:read' }, schema: { tags, summary: 'The R×F grid (25 cells with customers, net revenue and class), the class summary and the cut points of the latest run', response: { 200: rfmOverviewSchema } } },
    async () => rfm.overview());

  app.get('/api/rfm/customers', { config: { access: 'segments:read' }, schema: { tags, summary: 'Scored customers of a cell (r and f), a row or column, or a class; biggest net spenders first (cursor-paginated)', querystring: rfmCustomersQuerySchema, response: { 200: rfmCustomerPageSchema } } },
    async (req) => {
      const { cursor, limit, ...filter } = req.query;
      return rfm.customers(filter, limit, cursor);
    });

  app.get('/api/rfm/customers/export', { config: { access: 'segments:read' }, schema: { tags, summary: 'The same customers as CSV (every page)', querystring: rfmFilterSchema } },
    async (req, reply) => {
      const f = req.query;
      const name = ['rfm', f.class, f.r !== undefined ? `r${f.r}` : undefined, f.f !== undefined ? `f${f.f}` : undefined].filter(Boolean).join('-');
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(Readable.from(rfm.customersCsv(f)));
    });

  app.post('/api/rfm/recompute', { config: { access: 'segments:write' }, schema: { tags, summary: 'Recompute every customer’s scores now; returns the run (it also runs nightly and after imports)', body: z.strictObject({}).optional(), response: { 200: rfmRunSchema } } },
    async (req) => rfm.recompute('manual', actorOf(req)));

  // Readable by whoever may see the customer: the scores are part of their profile's commerce figures.
  app.get('/api/customers/:id/rfm', { config: { access: 'customers:read' }, schema: { tags, summary: 'A customer’s RFM scores and class (null when they have no orders or were not scored yet)', params: idOnly, response: { 200: customerRfmSchema.nullable() } } },
    async (req) => rfm.forCustomer(req.params.id));
}
