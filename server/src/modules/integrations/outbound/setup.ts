import { z } from 'zod';
import type { ZodApp } from '../../../platform/http/server.ts';
import type { IntegrationsDeps } from '../deps.ts';
import { outboundRepo } from './outbound.repo.ts';
import { outboundRoutes } from './outbound.routes.ts';
import { DELIVER_JOB, isLoopbackUrl, OutboundWebhooks } from './outbound.service.ts';

const KEEP_LOG_DAYS = 30;

/** Outbound webhooks: subscriptions, the activity listener and the delivery job. */
export function setupOutbound(deps: IntegrationsDeps) {
  const service = new OutboundWebhooks(deps.db, deps.jobs, {
    // Development (no public URL, or a local one) may post to http://localhost; a deployed server only to https.
    allowLoopbackHttp: !deps.config.publicUrl || isLoopbackUrl(deps.config.publicUrl),
    allowPrivateTargets: deps.config.webhooksAllowPrivate,
  });
  deps.activities.on('*', service.onActivity);
  deps.jobs.register({
    name: DELIVER_JOB,
    payload: z.object({ subscriptionId: z.guid(), activityId: z.guid() }),
    maxAttempts: service.options.maxAttempts,
    handler: async (p, ctx) => service.deliver(p, ctx.attempt),
  });
  deps.jobs.register({
    name: 'integrations.prune-webhook-log',
    payload: z.object({}).passthrough(),
    maxAttempts: 3,
    handler: async (_p, ctx) => {
      const n = await outboundRepo.pruneBefore(deps.db, new Date(Date.now() - KEEP_LOG_DAYS * 86400_000));
      if (n) ctx.log.info(`pruned ${n} outbound webhook log entries older than ${KEEP_LOG_DAYS} days`);
    },
  });
  deps.jobs.cron({ pattern: '43 3 * * *', job: 'integrations.prune-webhook-log' });
  return {
    service,
    routes(app: ZodApp) {
      outboundRoutes(app, service);
    },
  };
}
