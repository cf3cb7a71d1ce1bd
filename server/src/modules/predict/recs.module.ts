import { z } from 'zod';
import type { Actor } from '../../platform/audit/audit.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { PredictDeps } from './predict.deps.ts';
import { recsRoutes } from './recs.routes.ts';
import { RECS_BUILD_JOB, RecsService } from './recs.service.ts';

export { RecsService, RECS_BUILD_JOB, type RecommendationVars } from './recs.service.ts';

/** 02:45 UTC: after the nightly RFM recompute, before a European or American store's day starts. */
const NIGHTLY = '45 2 * * *';

/** Product recommendations: the service, the build job (nightly cron, on demand) and the routes. */
export function createRecs(deps: PredictDeps) {
  const service = new RecsService(deps.db, deps.jobs, deps.log);
  deps.jobs.register({
    name: RECS_BUILD_JOB, maxAttempts: 2,
    payload: z.object({ trigger: z.enum(['nightly', 'manual', 'demo', 'api']).default('nightly') }).passthrough(),
    handler: async (p) => {
      await service.build(p.trigger);
    },
  });
  deps.jobs.cron({ pattern: NIGHTLY, job: RECS_BUILD_JOB, identifier: 'predict.recs.nightly', payload: { trigger: 'nightly' } });
  return {
    service,
    /** The demo's part: recommendations built from the demo orders and behaviour. */
    async demo(actor: Actor, log: (m: string) => void = () => undefined): Promise<Record<string, unknown>> {
      log('Building product recommendations…');
      // The lists at once; the backtest (two more builds) follows in the background on a worker.
      const m = await service.build('demo', { actor, evaluate: false });
      await deps.jobs.enqueue(deps.db, RECS_BUILD_JOB, { trigger: 'demo' }, { jobKey: RECS_BUILD_JOB });
      return { recommendations: { products: m.stats.products, withNeighbours: m.stats.productsWithNeighbours, rules: m.stats.boughtTogetherRules } };
    },
    routes(app: ZodApp): void {
      recsRoutes(app, service);
    },
  };
}
