import { z } from 'zod';
import type { Actor } from '../../platform/audit/audit.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { clvRepo } from './clv.repo.ts';
import { clvRoutes } from './clv.routes.ts';
import { CLV_FIT_JOB, ClvService } from './clv.service.ts';
import type { PredictDeps } from './predict.deps.ts';

/** 03:15 UTC: after the RFM recompute (02:30), before a European or American store's day starts. */
const NIGHTLY = '15 3 * * *';

/** CLV and churn: BG/NBD + Gamma-Gamma fitted on the store's orders, every customer scored nightly and on demand. */
export function createClv(deps: PredictDeps) {
  const service = new ClvService(deps.db);
  deps.jobs.register({
    name: CLV_FIT_JOB,
    payload: z.object({ trigger: z.enum(['nightly', 'manual', 'cli', 'demo', 'recovery']).default('nightly') }).passthrough(),
    maxAttempts: 2,
    handler: async (p, ctx) => {
      const m = await service.runJob(p.trigger);
      ctx.log.info({ status: m.status, customers: m.customers, scored: m.scored, durationMs: m.durationMs }, `CLV models fitted (${p.trigger})`);
    },
  });
  deps.jobs.cron({ pattern: NIGHTLY, job: CLV_FIT_JOB, payload: { trigger: 'nightly' } });
  return {
    service,
    /** At a worker's start: predictions a crash emptied (see clvRepo.lostInCrash) are recomputed at once, not next night. */
    async recover(): Promise<void> {
      if (!(await clvRepo.lostInCrash(deps.db))) return;
      deps.log.warn('CLV predictions were lost in a database crash (the table is unlogged); refitting now');
      await deps.jobs.enqueue(deps.db, CLV_FIT_JOB, { trigger: 'recovery' }, { jobKey: 'clv-recovery' });
    },
    /** The demo's part: the models fitted on the demo orders (in weeks, as the papers do) and everyone scored. */
    async demo(actor: Actor, log: (m: string) => void = () => undefined): Promise<Record<string, unknown>> {
      log('Fitting the lifetime-value and churn models…');
      const m = await service.fit({ unit: 'week', horizonMonths: 12, discountRate: 0.1 }, 'demo', actor);
      return { status: m.status, reason: m.reason, customers: m.customers, scored: m.scored, logLik: m.bgnbd?.logLik ?? null };
    },
    routes(app: ZodApp): void {
      clvRoutes(app, service);
    },
  };
}
