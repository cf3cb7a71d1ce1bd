import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { DoubleOptIn } from './double-opt-in.ts';
import type { EngagementAdmin } from './engagement.admin.ts';
import {
  addSuppressionBody, engagementSettingsBody, engagementSettingsOut, inboundInfoSchema, subscribeBody, subscribeOut, suppressionParams, suppressionSchema,
  suppressionsPageSchema, suppressionsQuery, topicsBody, topicsOut,
} from './engagement.schemas.ts';
import type { SuppressionsService } from './suppressions.service.ts';

const tags = ['Messaging: deliverability'];

/** The team's API: suppression list, topics, engagement settings, inbound webhook addresses, sign-ups. */
export function engagementApiRoutes(app: ZodApp, d: { admin: EngagementAdmin; suppressions: SuppressionsService; doubleOptIn: DoubleOptIn }): void {
  const { admin, suppressions, doubleOptIn } = d;

  app.get('/api/messaging/suppressions', { config: { access: 'messaging:read' }, schema: { tags, summary: 'Addresses never sent to (hard bounces, complaints, added by hand), newest first', querystring: suppressionsQuery, response: { 200: suppressionsPageSchema } } },
    async (req) => suppressions.list(req.query));

  app.post('/api/messaging/suppressions', { config: { access: 'messaging:write' }, schema: { tags, summary: 'Suppress an address by hand', body: addSuppressionBody, response: { 201: suppressionSchema } } },
    async (req, reply) => reply.status(201).send(await suppressions.add(actorOf(req), req.body, req.principal?.kind === 'user' ? 'ui' : 'api')));

  app.delete('/api/messaging/suppressions/:channel/:address', { config: { access: 'messaging:write' }, schema: { tags, summary: 'Remove an address from the list: Patron may send to it again', params: suppressionParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await suppressions.remove(actorOf(req), req.params.channel, req.params.address);
      return reply.status(204).send(null);
    });

  app.get('/api/messaging/topics', { config: { access: 'messaging:read' }, schema: { tags, summary: 'Preference-centre topics (campaigns and flows name one; customers turn them off)', response: { 200: topicsOut } } },
    async () => ({ topics: await admin.topics() }));

  app.put('/api/messaging/topics', { config: { access: 'messaging:write' }, schema: { tags, summary: 'Replace the preference-centre topics', body: topicsBody, response: { 200: topicsOut } } },
    async (req) => ({ topics: await admin.putTopics(actorOf(req), req.body.topics) }));

  app.get('/api/messaging/engagement-settings', { config: { access: 'messaging:read' }, schema: { tags, summary: 'Double opt-in, store URL for UTM, provider webhook keys (secrets are write-only), cost per message', response: { 200: engagementSettingsOut } } },
    async () => admin.settings());

  app.patch('/api/messaging/engagement-settings', { config: { access: 'messaging:write' }, schema: { tags, summary: 'Change engagement settings (fields left out stay as they are; null clears)', body: engagementSettingsBody, response: { 200: engagementSettingsOut } } },
    async (req) => admin.updateSettings(actorOf(req), req.body));

  app.get('/api/messaging/inbound', { config: { access: 'messaging:write' }, schema: { tags, summary: 'Where to send bounce reports, provider webhooks and SMS receipts (URLs with the inbound token)', response: { 200: inboundInfoSchema } } },
    async () => admin.inboundInfo());

  app.post('/api/messaging/subscribe', { config: { access: 'customers:write' }, schema: { tags, summary: 'A newsletter sign-up from a form: subscribed, or pending with a confirmation email when double opt-in is on', body: subscribeBody, response: { 200: subscribeOut } } },
    async (req) => {
      const { ip, userAgent, ...b } = req.body;
      return doubleOptIn.subscribe(actorOf(req), b, { ip: ip ?? req.ip ?? null, userAgent: userAgent ?? req.headers['user-agent'] ?? null });
    });
}
