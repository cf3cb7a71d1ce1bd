import type { Logger } from 'pino';
import { z } from 'zod';
import type { Activities } from '../../platform/activities/activities.ts';
import type { Db } from '../../platform/db/db.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import type { CustomersService } from '../customers/customers.service.ts';
import { analyticsRoutes } from './analytics.routes.ts';
import { Rollups } from './analytics.refresh.ts';
import { AnalyticsService, type RoiProvider } from './analytics.service.ts';
import { spendRoutes } from './spend.routes.ts';

export { AnalyticsService, type RoiProvider, type RoiRow } from './analytics.service.ts';
export { Rollups } from './analytics.refresh.ts';

/** The analytics module: KPIs, charts, cohorts and drill-downs over rollups it keeps current, and marketing spend for CAC. */
export function createAnalyticsModule(deps: { db: Db; activities: Activities; customers: CustomersService; jobs: Jobs; log: Logger; roi?: RoiProvider }) {
  const rollups = new Rollups(deps.db, deps.log);
  const service = new AnalyticsService({ db: deps.db, rollups, log: deps.log, roi: deps.roi });
  // Writers mark the customers whose figures may change, in their own transaction.
  deps.activities.onBatch(rollups.onActivities);
  deps.customers.onMerge(async (tx, e) => {
    await rollups.markDirty(tx, [e.survivorId, e.mergedId]);
    return {};
  });

  const empty = z.object({}).passthrough();
  // Every minute: apply what changed, and recompute guests' last three days (today and the two before) (a guest order changed in place leaves no activity).
  deps.jobs.register({ name: 'analytics.refresh', payload: empty, maxAttempts: 1, handler: async () => void (await rollups.refresh({ recentGuestDays: 2 })) });
  // Nightly: everything from scratch, so nothing a bulk load wrote around the activity stream stays uncounted for long.
  deps.jobs.register({ name: 'analytics.rebuild', payload: empty, maxAttempts: 2, handler: async () => void (await rollups.refresh({ rebuild: true })) });
  deps.jobs.cron({ pattern: '* * * * *', job: 'analytics.refresh' });
  deps.jobs.cron({ pattern: '17 3 * * *', job: 'analytics.rebuild', backfillMs: 24 * 3600_000 });

  return {
    service,
    rollups,
    routes(app: ZodApp) {
      analyticsRoutes(app, service);
      spendRoutes(app, service);
    },
  };
}
export type AnalyticsModule = ReturnType<typeof createAnalyticsModule>;
