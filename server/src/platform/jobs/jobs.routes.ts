import { z } from 'zod';
import { audit } from '../audit/audit.ts';
import type { Db } from '../db/db.ts';
import { actorOf } from '../http/context.ts';
import { notFound } from '../http/problem.ts';
import type { ZodApp } from '../http/server.ts';
import type { Jobs } from './jobs.ts';
import { jobsPageSchema, jobStateSchema } from './jobs.schemas.ts';

const jobIdParams = z.strictObject({ id: z.string().regex(/^\d{1,19}$/, 'must be a job id (digits)') });

/** The jobs page: what waits, runs, retries or has died, and retry/delete for the dead. */
export function jobsRoutes(app: ZodApp, db: Db, jobs: Jobs): void {
  const tags = ['Jobs'];
  app.get('/api/jobs', { config: { access: 'jobs:read' }, schema: { tags, summary: 'Jobs in the queue, newest first', querystring: z.strictObject({
    state: jobStateSchema.optional(), task: z.string().max(200).optional(), cursor: z.string().regex(/^\d{1,19}$/).optional(), limit: z.coerce.number().int().min(1).max(200).default(50),
  }), response: { 200: jobsPageSchema } } },
    async (req) => {
      const { cursor, limit, ...f } = req.query;
      const items = await jobs.list(db, { ...f, before: cursor, limit: limit + 1 });
      const more = items.length > limit;
      const page = items.slice(0, limit);
      return { items: page, counts: await jobs.counts(db), tasks: jobs.names().sort(), nextCursor: more ? (page.at(-1)?.id ?? null) : null, workerRunning: jobs.running };
    });

  app.post('/api/jobs/:id/retry', { config: { access: 'jobs:write' }, schema: { tags, summary: 'Run a job again now, attempts reset', params: jobIdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      if (!(await jobs.retry(req.params.id))) throw notFound(`No job ${req.params.id} waiting or failed (it may have completed).`);
      await audit.record(db, actorOf(req), { action: 'job.retried', entityType: 'job', entityId: req.params.id, summary: `Retried job ${req.params.id}` });
      return reply.status(204).send(null);
    });

  app.delete('/api/jobs/:id', { config: { access: 'jobs:write' }, schema: { tags, summary: 'Delete a job that is not running', params: jobIdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      if (!(await jobs.remove(req.params.id))) throw notFound(`No job ${req.params.id}, or it is running right now.`);
      await audit.record(db, actorOf(req), { action: 'job.deleted', entityType: 'job', entityId: req.params.id, summary: `Deleted job ${req.params.id}` });
      return reply.status(204).send(null);
    });
}
