import { z } from 'zod';
import type { Db } from '../../platform/db/db.ts';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { CustomerBulkTagJobs } from './customers.bulktag.ts';
import type { CustomerEditService } from './customers.edit.service.ts';
import { countCustomers } from './customers.query.ts';
import { bulkJobSchema, bulkTagBodySchema, bulkTagResultSchema, customerCountSchema, customerFilterSchema, idOnly } from './customers.schemas.ts';

const tags = ['Customers'];

/** How many customers a filter matches, and tagging them: the selected ones, or all of them as a job. */
export function customerBulkRoutes(app: ZodApp, deps: { db: Db; edits: CustomerEditService; bulkTags: CustomerBulkTagJobs }): void {
  const { db, edits, bulkTags } = deps;

  app.get('/api/customers/count', {
    config: { access: 'customers:read' },
    schema: {
      tags, summary: 'How many customers match the filters (exact, or an estimate marked approximate for very large sets)',
      querystring: customerFilterSchema, response: { 200: customerCountSchema },
    },
  }, async (req) => countCustomers(db, req.query));

  app.post('/api/customers/bulk-tag', {
    config: { access: 'customers:write' },
    schema: {
      tags, summary: 'Add and remove tags on the selected customers (ids), or on everyone matching a filter',
      description: 'With `filter`, up to 1,000 customers are tagged at once; more run as a background job whose progress is `job` (GET /api/customers/bulk-jobs/{id}).',
      body: bulkTagBodySchema, response: { 200: bulkTagResultSchema },
    },
  }, async (req) => {
    const { ids, filter, add, remove } = req.body;
    if (ids) return { updated: await edits.bulkTag(actorOf(req), ids, add, remove), job: null };
    const job = await bulkTags.tagMatching(actorOf(req), filter ?? {}, add, remove);
    return { updated: job.changed, job };
  });

  app.get('/api/customers/bulk-jobs', {
    config: { access: 'customers:read' },
    schema: { tags, summary: 'Recent bulk changes to customers, running ones first', querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(50).default(10) }), response: { 200: z.object({ items: z.array(bulkJobSchema) }) } },
  }, async (req) => ({ items: await bulkTags.recent(req.query.limit) }));

  app.get('/api/customers/bulk-jobs/:id', {
    config: { access: 'customers:read' },
    schema: { tags, summary: 'A bulk change and its progress', params: idOnly, response: { 200: bulkJobSchema } },
  }, async (req) => bulkTags.get(req.params.id));
}
