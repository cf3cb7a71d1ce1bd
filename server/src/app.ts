import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config } from './config.ts';
import { Activities } from './platform/activities/activities.ts';
import { auditRoutes } from './platform/audit/audit.routes.ts';
import { resolveDatabase, type DatabaseTarget } from './platform/db/connect.ts';
import { openDb, type DbHandle } from './platform/db/db.ts';
import { migrate } from './platform/db/migrate.ts';
import { Health } from './platform/health.ts';
import { registerIdempotency, purgeIdempotencyKeys } from './platform/http/idempotency.ts';
import { opsRoutes } from './platform/http/ops.routes.ts';
import { createHttp } from './platform/http/server.ts';
import { Jobs } from './platform/jobs/jobs.ts';
import { jobsRoutes } from './platform/jobs/jobs.routes.ts';
import { createMetrics } from './platform/metrics.ts';
import { createUsersModule } from './modules/users/index.ts';
import { createCustomersModule } from './modules/customers/index.ts';
import { createCommerceModule } from './modules/commerce/index.ts';
import { createIntegrationsModule } from './modules/integrations/index.ts';
import { createTrackingModule } from './modules/tracking/index.ts';
import { createAnalyticsModule } from './modules/analytics/index.ts';
import { createSegmentsModule } from './modules/segments/index.ts';
import { createRfmModule } from './modules/rfm/index.ts';
import { createMessagingModule, MessagingRoi } from './modules/messaging/index.ts';
import { createPredictModule } from './modules/predict/index.ts';
import { createSupportModule } from './modules/support/index.ts';
import { settingsRoutes } from './platform/settings.routes.ts';
import { runDemo } from './demo/demo.ts';
import { demoJobPayload, demoRoutes } from './demo/demo.routes.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WEB_DIST = path.resolve(here, '../../web/dist');

/** Everything a Patron process holds: database, modules, job queue and (optionally) HTTP. */
export interface Patron {
  config: Config;
  log: Logger;
  dbh: DbHandle;
  jobs: Jobs;
  activities: Activities;
  health: Health;
  modules: {
    users: ReturnType<typeof createUsersModule>;
    customers: ReturnType<typeof createCustomersModule>;
    commerce: ReturnType<typeof createCommerceModule>;
    integrations: ReturnType<typeof createIntegrationsModule>;
    tracking: ReturnType<typeof createTrackingModule>;
    analytics: ReturnType<typeof createAnalyticsModule>;
    segments: ReturnType<typeof createSegmentsModule>;
    rfm: ReturnType<typeof createRfmModule>;
    messaging: ReturnType<typeof createMessagingModule>;
    predict: ReturnType<typeof createPredictModule>;
    support: ReturnType<typeof createSupportModule>;
  };
  http: FastifyInstance | undefined;
  /** Stops HTTP (in-flight requests finish), then jobs (running jobs finish), then the database. */
  close(): Promise<void>;
}

export interface BuildOptions {
  http: boolean;
  /** Process jobs in this process. */
  worker: boolean;
  /** Reuse an existing database (tests); otherwise resolve from config. */
  databaseUrl?: string;
  /** 'owner' keeps the embedded server for its lifetime; 'guest' (CLI) only borrows it. */
  role?: 'owner' | 'guest';
  /** Skip migrations (tests that migrated a template already). */
  skipMigrate?: boolean;
}

/** How long a serving process waits at start for the recommendation lists to load. */
const WARM_MAX_MS = 20_000;

/** Wires config → db → modules → http → jobs with plain factories. */
export async function buildPatron(config: Config, log: Logger, opts: BuildOptions): Promise<Patron> {
  let target: DatabaseTarget;
  if (opts.databaseUrl) target = { url: opts.databaseUrl, embedded: undefined };
  else target = await resolveDatabase(config, opts.role ?? 'owner', (m) => log.info(m));

  // The pool reports lost connections to the health monitor, created once migrations pass.
  const monitor: { health?: Health } = {};
  let closing = false;
  const dbh = openDb(target.url, config.poolSize, (err) => {
    // Connections ending while we shut the database down are expected, not an outage.
    if (closing) return;
    log.warn({ err }, 'database connection error');
    monitor.health?.markDown();
  });
  try {
    if (!opts.skipMigrate) {
      const { applied } = await migrate(dbh.db, dbh.pool);
      if (applied.length) log.info(`Applied migrations: ${applied.join(', ')}`);
    }
  } catch (e) {
    await dbh.close();
    await target.embedded?.stop();
    throw e;
  }
  const health = new Health(dbh.db, log);
  monitor.health = health;

  const jobs = new Jobs(dbh.pool, log);
  const activities = new Activities();
  const users = createUsersModule({ db: dbh.db, config, jobs });
  const customers = createCustomersModule({ db: dbh.db, activities, jobs });
  const commerce = createCommerceModule({ db: dbh.db, activities, customers: customers.service });
  const integrations = createIntegrationsModule({ db: dbh.db, config, jobs, activities, customers: customers.service, consent: customers.consent, commerce: commerce.service, log });
  const tracking = createTrackingModule({ db: dbh.db, activities, customers, commerce: commerce.service, users: users.service, log, publicUrl: config.publicUrl, processes: config.processes });
  // Campaign and flow revenue (attributed orders) on the analytics dashboard.
  const analytics = createAnalyticsModule({ db: dbh.db, activities, customers: customers.service, jobs, log, roi: new MessagingRoi(dbh.db) });
  const segments = createSegmentsModule({ db: dbh.db, activities, customers: customers.service, jobs, log });
  const rfm = createRfmModule({ db: dbh.db, jobs });
  const messaging = createMessagingModule({
    db: dbh.db, activities, jobs, customers, segments, log,
    baseUrl: config.publicUrl ?? `http://localhost:${config.port}`, webhooksAllowPrivate: config.webhooksAllowPrivate,
  });
  const predict = createPredictModule({ db: dbh.db, activities, jobs, customers, commerce: commerce.service, log });
  // `{% for p in recommendations %}` in email templates: each recipient's top products (docs/predictions.md).
  messaging.contexts.addSection('recommendations', (db, ids) => predict.recs.service.contextSection(db, ids));
  // `{{ predictions.churn_risk }}`, `{{ predictions.clv | money }}`: each recipient's CLV and churn predictions (docs/predictions.md).
  messaging.contexts.addSection('predictions', (db, ids) => predict.clv.service.contextSection(db, ids));
  const support = createSupportModule({
    db: dbh.db, config, activities, jobs, customers, commerce: commerce.service, segments, messaging, log,
    baseUrl: config.publicUrl ?? `http://localhost:${config.port}`, databaseUrl: target.url,
  });
  // Imported orders change who is a champion: every finished import asks for a recompute (they coalesce).
  integrations.imports.service.onImportFinished((tx) => rfm.jobs.requestRecompute(tx));
  // Segments with RFM conditions follow every recompute (enqueued in its transaction, coalesced).
  rfm.service.afterRecompute((tx) => jobs.enqueue(tx, 'segments.refresh-rfm', {}, { jobKey: 'segments.refresh-rfm' }));
  // The demo store loads in the background when asked from the UI (the CLI runs it in-process).
  const self: { patron?: Patron } = {};
  jobs.register({ name: 'demo.load', payload: demoJobPayload, maxAttempts: 1, handler: async (p, ctx) => {
    if (!self.patron) throw new Error('Patron is not built yet');
    await runDemo(self.patron, { type: 'user', id: p.actorId, label: p.actorLabel }, { log: (m) => ctx.log.info(m) });
  } });
  jobs.register({ name: 'platform.purge-idempotency-keys', payload: z.object({}).passthrough(), maxAttempts: 3, handler: async () => void (await purgeIdempotencyKeys(dbh.db)) });
  jobs.cron({ pattern: '23 * * * *', job: 'platform.purge-idempotency-keys' });

  let http: FastifyInstance | undefined;
  if (opts.http) {
    const metrics = createMetrics();
    const h = health;
    http = await createHttp({ log, bodyLimit: config.bodyLimit, trustProxy: config.trustProxy, auth: users.service, webDist: WEB_DIST, onDbDown: () => h.markDown(), isDbUp: () => h.dbUp });
    metrics.instrument(http);
    registerIdempotency(http, dbh.db);
    const app = http.withTypeProvider<ZodTypeProvider>();
    opsRoutes(app, h, metrics, config.metricsToken);
    users.routes(app);
    settingsRoutes(app, dbh.db);
    customers.routes(app);
    commerce.routes(app);
    integrations.routes(app);
    tracking.routes(app);
    analytics.routes(app);
    segments.routes(app);
    rfm.routes(app);
    messaging.routes(app);
    predict.routes(app);
    support.routes(app);
    demoRoutes(app, dbh.db, jobs);
    auditRoutes(app, dbh.db);
    jobsRoutes(app, dbh.db, jobs);
    await http.ready();
  }
  const patron: Patron = {
    config, log, dbh, jobs, activities, health, http,
    modules: { users, customers, commerce, integrations, tracking, analytics, segments, rfm, messaging, predict, support },
    async close() {
      if (closing) return;
      closing = true;
      if (http) await http.close();
      await support.stop();
      await segments.watcher.stop();
      await messaging.stop();
      await jobs.stop();
      health.stop();
      await dbh.close();
      await target.embedded?.stop();
    },
  };
  self.patron = patron;
  if (opts.worker) {
    await jobs.start(config.worker.concurrency);
    // A failed check must not keep the worker from starting: the nightly fit restores predictions anyway.
    await predict.clv.recover().catch((e: unknown) => log.warn({ err: e }, 'CLV: could not check for predictions lost in a crash'));
    segments.watcher.start();
    await messaging.start();
  } else {
    await messaging.init();
  }
  await support.start({ http: opts.http, worker: opts.worker });
  health.start();
  // A serving process reads the recommendation lists into memory before it takes requests (they are
  // then served without a database read; ~1 s at 20,000 products). Never for longer than WARM_MAX_MS:
  // past that it serves, and requests read lists as they need them until the load finishes.
  if (opts.http) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      predict.recs.service.warm().catch((e: unknown) => log.warn({ err: e }, 'recommendations: warm-up failed')),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, WARM_MAX_MS); }),
    ]);
    clearTimeout(timer);
  }
  return patron;
}
