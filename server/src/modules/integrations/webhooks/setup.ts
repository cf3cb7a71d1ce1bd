import { z } from 'zod';
import type { ZodApp } from '../../../platform/http/server.ts';
import type { IntegrationsDeps } from '../deps.ts';
import { StoreConnectionsService } from './connections.service.ts';
import { WebhookProcessor } from './process.service.ts';
import { PROCESS_JOB, WebhookReceiver } from './receive.service.ts';
import { webhooksRepo } from './webhooks.repo.ts';
import { receiveRoutes, storeConnectionRoutes } from './webhooks.routes.ts';

const PROCESS_ATTEMPTS = 12;
const KEEP_DELIVERIES_DAYS = 30;
/** Store payloads can be far larger than API requests (big orders): webhooks get their own limit. */
const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024;

/** Inbound store webhooks: connections, the receiving endpoints, and the processing job. */
export function setupWebhooks(deps: IntegrationsDeps) {
  const connections = new StoreConnectionsService(deps.db, deps.jobs);
  const receiver = new WebhookReceiver(deps.db, deps.jobs);
  const processor = new WebhookProcessor({ db: deps.db, commerce: deps.commerce, customers: deps.customers, consent: deps.consent, log: deps.log });
  deps.jobs.register({
    name: PROCESS_JOB,
    payload: z.object({ deliveryId: z.uuid() }),
    maxAttempts: PROCESS_ATTEMPTS,
    handler: async (p, ctx) => void (await processor.process(p.deliveryId, ctx.attempt, PROCESS_ATTEMPTS)),
  });
  deps.jobs.register({
    name: 'integrations.prune-webhook-deliveries',
    payload: z.object({}).passthrough(),
    maxAttempts: 3,
    handler: async (_p, ctx) => {
      const n = await webhooksRepo.pruneBefore(deps.db, new Date(Date.now() - KEEP_DELIVERIES_DAYS * 86400_000));
      if (n) ctx.log.info(`pruned ${n} webhook deliveries older than ${KEEP_DELIVERIES_DAYS} days`);
    },
  });
  deps.jobs.cron({ pattern: '41 3 * * *', job: 'integrations.prune-webhook-deliveries' });
  return {
    connections,
    receiver,
    processor,
    routes(app: ZodApp) {
      storeConnectionRoutes(app, connections, deps.config.publicUrl);
      receiveRoutes(app, receiver, Math.max(deps.config.bodyLimit, WEBHOOK_BODY_LIMIT));
    },
  };
}
