import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { campaignSchema, createCampaignBody, estimateBody, estimateSchema, performanceSchema, reportSchema, updateCampaignBody } from './campaigns.schemas.ts';
import type { CampaignsService } from './campaigns.service.ts';

const tags = ['Campaigns'];
const idOnly = z.strictObject({ id: z.guid({ error: 'must be a UUID' }) });
const read = { access: 'messaging:read' } as const;
const write = { access: 'messaging:write' } as const;

export function campaignRoutes(app: ZodApp, campaigns: CampaignsService): void {
  app.get('/api/messaging/campaigns', { config: read, schema: { tags, summary: 'Campaigns, newest first, with headline numbers', response: { 200: z.object({ items: z.array(campaignSchema) }) } } },
    async () => ({ items: await campaigns.list() }));

  app.get('/api/messaging/campaigns/performance', { config: read, schema: { tags, summary: 'Sent campaigns with their conversion rate (attributed orders per delivered message), oldest first', querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) }), response: { 200: performanceSchema } } },
    async (req) => campaigns.performance(req.query.limit));

  app.post('/api/messaging/campaigns/estimate', { config: read, schema: { tags, summary: 'Audience size of segments minus excluded ones: total, with consent, suppressed, who would receive it (nothing is saved)', body: estimateBody, response: { 200: estimateSchema } } },
    async (req) => campaigns.estimate(req.body));

  app.post('/api/messaging/campaigns', { config: write, schema: { tags, summary: 'Create a draft campaign', body: createCampaignBody, response: { 201: campaignSchema } } },
    async (req, reply) => reply.status(201).send(await campaigns.create(actorOf(req), req.body)));

  app.get('/api/messaging/campaigns/:id', { config: read, schema: { tags, summary: 'A campaign', params: idOnly, response: { 200: campaignSchema } } },
    async (req) => campaigns.get(req.params.id));

  app.patch('/api/messaging/campaigns/:id', { config: write, schema: { tags, summary: 'Change a draft (409 once scheduled or sending)', params: idOnly, body: updateCampaignBody, response: { 200: campaignSchema } } },
    async (req) => campaigns.update(actorOf(req), req.params.id, req.body));

  app.delete('/api/messaging/campaigns/:id', { config: write, schema: { tags, summary: 'Delete a draft', params: idOnly, response: { 204: z.null() } } },
    async (req, reply) => {
      await campaigns.remove(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });

  app.post('/api/messaging/campaigns/:id/duplicate', { config: write, schema: { tags, summary: 'Copy a campaign as a new draft', params: idOnly, response: { 201: campaignSchema } } },
    async (req, reply) => reply.status(201).send(await campaigns.duplicate(actorOf(req), req.params.id)));

  app.post('/api/messaging/campaigns/:id/send', { config: write, schema: { tags, summary: 'Send a draft now or on its schedule (422 if incomplete, 409 if no one has consent)', params: idOnly, response: { 200: campaignSchema } } },
    async (req) => campaigns.send(actorOf(req), req.params.id));

  app.post('/api/messaging/campaigns/:id/unschedule', { config: write, schema: { tags, summary: 'Put a scheduled campaign that has not started back to draft', params: idOnly, response: { 200: campaignSchema } } },
    async (req) => campaigns.unschedule(actorOf(req), req.params.id));

  app.post('/api/messaging/campaigns/:id/cancel', { config: write, schema: { tags, summary: 'Cancel a scheduled or sending campaign: nothing still queued is sent', params: idOnly, response: { 200: campaignSchema } } },
    async (req) => campaigns.cancel(actorOf(req), req.params.id));

  app.get('/api/messaging/campaigns/:id/report', { config: read, schema: { tags, summary: 'Recipients, delivery, engagement, attributed orders and revenue, per variant, link clicks, timeline', params: idOnly, response: { 200: reportSchema } } },
    async (req) => campaigns.report(req.params.id));
}
