import { z } from 'zod';
import type { Db } from '../platform/db/db.ts';
import { actorOf } from '../platform/http/context.ts';
import type { ZodApp } from '../platform/http/server.ts';
import type { Jobs } from '../platform/jobs/jobs.ts';
import { putSetting } from '../platform/settings.ts';
import { assertEmptyStore, demoStatus, demoStatusSchema } from './demo.ts';

/** The first-run choice in the UI: load the demo store in the background and watch it. */
export function demoRoutes(app: ZodApp, db: Db, jobs: Jobs): void {
  const tags = ['Demo'];
  app.get('/api/demo', { config: { access: 'authenticated' }, schema: { tags, summary: 'Whether demo data is loaded, loading or failed', response: { 200: demoStatusSchema } } },
    async () => demoStatus(db));

  app.post('/api/demo', { config: { access: 'settings:write' }, schema: { tags, summary: 'Load the demo store into an empty Patron (runs in the background)', response: { 202: demoStatusSchema } } },
    async (req, reply) => {
      await assertEmptyStore(db);
      const actor = actorOf(req);
      await db.transaction().execute(async (tx) => {
        await putSetting(tx, 'demo', { status: 'running', startedAt: new Date().toISOString(), finishedAt: null, dataset: null, summary: null, error: null });
        await jobs.enqueue(tx, 'demo.load', { actorLabel: actor.label, actorId: actor.id }, { jobKey: 'demo.load', maxAttempts: 1 });
      });
      return reply.status(202).send(await demoStatus(db));
    });
}

export const demoJobPayload = z.object({ actorLabel: z.string(), actorId: z.string().nullable() });
