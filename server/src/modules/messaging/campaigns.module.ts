import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../../platform/db/db.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import { campaignRoutes } from './campaigns.routes.ts';
import { CampaignRunner } from './campaigns.runner.ts';
import { CampaignsService, type CampaignSender } from './campaigns.service.ts';
import type { MessageSender } from './send.service.ts';

const START_ATTEMPTS = 5;

/** Campaigns: the service, the jobs that send them (start, pick-winner, settle) and the routes. */
export function createCampaigns(deps: { db: Db; jobs: Jobs; sender: CampaignSender & Pick<MessageSender, 'onSent'>; log: Logger }) {
  const service = new CampaignsService(deps.db, deps.jobs, deps.sender);
  const runner = new CampaignRunner({ ...deps, service });
  // A campaign is 'sent' the moment its last message is (the cron below catches the ones whose last message was skipped).
  deps.sender.onSent(runner.onSent);

  deps.jobs.register({
    name: 'campaigns.start', payload: z.object({ campaignId: z.guid(), at: z.string() }), maxAttempts: START_ATTEMPTS,
    handler: async (p, ctx) => {
      try {
        await runner.start(p.campaignId, p.at);
      } catch (err) {
        // The last attempt leaves a campaign that says it failed and why, not one "scheduled" forever.
        if (ctx.attempt >= START_ATTEMPTS) await runner.markFailed(p.campaignId, `Sending failed after ${ctx.attempt} attempts: ${(err as Error).message}`);
        throw err;
      }
    },
  });
  deps.jobs.register({
    name: 'campaigns.pick-winner', payload: z.object({ campaignId: z.guid() }), maxAttempts: START_ATTEMPTS,
    handler: async (p, ctx) => {
      try {
        await runner.pickWinner(p.campaignId);
      } catch (err) {
        if (ctx.attempt >= START_ATTEMPTS) await runner.markFailed(p.campaignId, `Sending to the rest after the A/B test failed: ${(err as Error).message}`);
        throw err;
      }
    },
  });
  deps.jobs.register({ name: 'campaigns.settle', payload: z.object({}).passthrough(), maxAttempts: 3, handler: async () => void (await runner.settle()) });
  deps.jobs.cron({ pattern: '* * * * *', job: 'campaigns.settle' });

  return {
    service,
    runner,
    routes(app: ZodApp) {
      campaignRoutes(app, service);
    },
  };
}
export type CampaignsModule = ReturnType<typeof createCampaigns>;
