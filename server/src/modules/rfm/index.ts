import { z } from 'zod';
import type { Db, Executor } from '../../platform/db/db.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import { rfmRoutes } from './rfm.routes.ts';
import { RFM_RECOMPUTE_JOB, RfmService } from './rfm.service.ts';

export { RfmService, RFM_RECOMPUTE_JOB, type AfterRecomputeListener, type RecomputeTrigger } from './rfm.service.ts';
export { RFM_CLASSES, CLASS_INFO, classFor, type RfmClass } from './rfm.classes.ts';

/** 02:30 UTC: after the nightly housekeeping jobs, before a European or American store's day starts. */
const NIGHTLY = '30 2 * * *';

/** RFM: recency, frequency and monetary scores (1–5) and the named classes of every customer with orders. */
export function createRfmModule(deps: { db: Db; jobs: Jobs }) {
  const service = new RfmService(deps.db, deps.jobs);
  deps.jobs.register({
    name: RFM_RECOMPUTE_JOB,
    payload: z.object({ trigger: z.enum(['nightly', 'import', 'manual']).default('nightly') }).passthrough(),
    maxAttempts: 3,
    handler: async (p, ctx) => {
      const run = await service.runJob(p.trigger);
      ctx.log.info({ customers: run.customers, durationMs: run.durationMs }, `RFM scores recomputed (${p.trigger})`);
    },
  });
  deps.jobs.cron({ pattern: NIGHTLY, job: RFM_RECOMPUTE_JOB, payload: { trigger: 'nightly' } });
  return {
    service,
    jobs: {
      /** Asks for a recompute in the caller's transaction; requests coalesce (imports call it as they finish). */
      requestRecompute: (tx: Executor) => service.requestRecompute(tx),
    },
    routes(app: ZodApp) {
      rfmRoutes(app, service);
    },
  };
}
export type RfmModule = ReturnType<typeof createRfmModule>;
