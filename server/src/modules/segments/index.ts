import { z } from 'zod';
import type { Logger } from 'pino';
import type { Activities } from '../../platform/activities/activities.ts';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import type { CustomersService } from '../customers/index.ts';
import { SegmentEvaluator } from './segments.evaluate.ts';
import { segmentRoutes } from './segments.routes.ts';
import { SegmentsService } from './segments.service.ts';
import { SegmentWatcher } from './segments.watch.ts';

export { SegmentsService } from './segments.service.ts';
export type { MembershipChange, MembershipListener } from './segments.evaluate.ts';

/** The segments module: definitions, membership kept current (on writes and on a schedule), the builder's API. */
export function createSegmentsModule(deps: { db: Db; activities: Activities; customers: CustomersService; jobs: Jobs; log: Logger }) {
  const evaluator = new SegmentEvaluator(deps.db, deps.activities, deps.log);
  const service = new SegmentsService(deps.db, evaluator);
  const watcher = new SegmentWatcher(deps.db, evaluator, deps.log);
  service.afterSave = () => watcher.reloadTriggers();
  deps.activities.onBatch(watcher.onActivities);
  deps.customers.onMerge(watcher.onMerge);

  const empty = z.object({}).passthrough();
  // Conditions that change with time (last 30 days, 4 hours without an order, top 10 %): every 15 minutes.
  deps.jobs.register({ name: 'segments.refresh-scheduled', payload: empty, maxAttempts: 3, handler: async (_p, ctx) => {
    const r = await evaluator.evaluateMany((s) => s.scheduled && s.status === 'active');
    ctx.log.info(`segments: ${r.evaluated} time-dependent segments recomputed in ${Math.round(r.ms)} ms`);
  } });
  // Nightly: every segment (a day's size history point for each, and a check that nothing drifted).
  deps.jobs.register({ name: 'segments.refresh-all', payload: empty, maxAttempts: 3, handler: async (_p, ctx) => {
    await service.ensureBuiltins(SYSTEM_ACTOR);
    const r = await evaluator.evaluateMany(() => true);
    ctx.log.info(`segments: ${r.evaluated} segments recomputed (${r.broken} broken) in ${Math.round(r.ms)} ms`);
  } });
  deps.jobs.register({ name: 'segments.refresh-rfm', payload: empty, maxAttempts: 3, handler: async () => {
    await evaluator.evaluateMany((s) => JSON.stringify(s.definition).includes('"kind":"rfm"'));
  } });
  deps.jobs.cron({ pattern: '*/15 * * * *', job: 'segments.refresh-scheduled' });
  deps.jobs.cron({ pattern: '10 2 * * *', job: 'segments.refresh-all', backfillMs: 24 * 3600_000 });

  return {
    service,
    evaluator,
    watcher,
    /** Re-evaluates every segment (after the demo store or a bulk load that bypassed the activity stream). */
    refreshAll: () => evaluator.evaluateMany(() => true),
    routes(app: ZodApp) {
      segmentRoutes(app, { db: deps.db, segments: service });
    },
  };
}
export type SegmentsModule = ReturnType<typeof createSegmentsModule>;
