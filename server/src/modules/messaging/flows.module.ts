import type { Logger } from 'pino';
import { z } from 'zod';
import type { Activities } from '../../platform/activities/activities.ts';
import type { Db } from '../../platform/db/db.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import type { CustomersModule } from '../customers/index.ts';
import { isLoopbackUrl } from '../integrations/outbound/outbound.service.ts';
import type { SegmentsModule } from '../segments/index.ts';
import { FlowEngine, FlowVersions, type EngineOptions } from './flows.engine.ts';
import { FlowGallery } from './flows.gallery.ts';
import { flowRoutes } from './flows.routes.ts';
import { FlowsService } from './flows.service.ts';
import type { FlowSender } from './flows.steps.ts';
import { FlowTriggers } from './flows.triggers.ts';
import { FlowWebhookCaller } from './flows.webhook.ts';

export interface FlowsDeps {
  db: Db;
  activities: Activities;
  jobs: Jobs;
  sender: FlowSender;
  customers: CustomersModule;
  segments: SegmentsModule;
  log: Logger;
  /** Public base URL: webhook steps may post to http://localhost only while it is local (development). */
  baseUrl: string;
  webhooksAllowPrivate: boolean;
  engine?: Partial<EngineOptions>;
}

/**
 * Flows (automations): the service and gallery behind the API, the triggers listening to the
 * activity stream, segment changes and merges, the hourly date triggers, and the engine a worker
 * process runs (start/stop).
 */
export function createFlows(deps: FlowsDeps) {
  const { db, log } = deps;
  const versions = new FlowVersions();
  const webhook = new FlowWebhookCaller({ allowLoopbackHttp: isLoopbackUrl(deps.baseUrl), allowPrivateTargets: deps.webhooksAllowPrivate });
  const triggers = new FlowTriggers(db, deps.sender, log);
  const engine = new FlowEngine({
    db, versions, webhook, log, sender: deps.sender,
    tagger: (tx, actor, ids, add, remove) => deps.customers.edits.bulkTagInTx(tx, actor, ids, add, remove),
    setAttribute: (tx, actor, ids, key, value) => deps.customers.edits.bulkSetAttributeInTx(tx, actor, ids, key, value, 'flows'),
  }, deps.engine);
  const service = new FlowsService({ db, triggers, versions, webhook });
  const gallery = new FlowGallery(db, service, (actor) => deps.segments.service.ensureBuiltins(actor));

  deps.activities.onBatch(triggers.onActivities);
  deps.segments.evaluator.onChange(triggers.onSegmentChange);
  deps.customers.service.onMerge(triggers.onMerge);

  // Hourly, so that each time zone's day is caught within the hour it starts (runs are keyed per day: a rerun adds nothing).
  deps.jobs.register({ name: 'flows.date-triggers', payload: z.object({}).passthrough(), maxAttempts: 3, handler: async (_p, ctx) => {
    const n = await triggers.fireDates();
    if (n) ctx.log.info(`flows: ${n} customers entered date-triggered flows`);
  } });
  deps.jobs.cron({ pattern: '2 * * * *', job: 'flows.date-triggers', backfillMs: 3600_000 });

  return {
    service,
    gallery,
    engine,
    triggers,
    /** Worker processes: move due runs. */
    start() {
      engine.start();
    },
    async stop() {
      await engine.stop();
    },
    routes(app: ZodApp) {
      flowRoutes(app, { flows: service, gallery });
    },
  };
}
export type FlowsModule = ReturnType<typeof createFlows>;
