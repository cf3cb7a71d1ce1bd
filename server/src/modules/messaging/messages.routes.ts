import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { guardrailsSchema, smsSettingsSchema } from './messaging.settings.ts';
import {
  messageDetailSchema, messagesPageSchema, messagesQuery, messagingSettingsSchema, outboxStatsSchema, senderBody, senderSchema, smtpBody,
} from './messages.schemas.ts';
import type { MessagesAdmin } from './messages.service.ts';

const tags = ['Messages'];
const idOnly = z.strictObject({ id: z.guid({ error: 'must be a UUID' }) });
const smsBody = smsSettingsSchema.extend({ authHeader: z.string().max(2000).optional() });

/** The outbox / message log and the sending settings. */
export function messagesRoutes(app: ZodApp, admin: MessagesAdmin): void {
  app.get('/api/messaging/messages', { config: { access: 'messaging:read' }, schema: { tags, summary: 'Messages, newest first: the outbox and the send log (cursor-paginated)', querystring: messagesQuery, response: { 200: messagesPageSchema } } },
    async (req) => admin.list(req.query));

  app.get('/api/messaging/messages/stats', { config: { access: 'messaging:read' }, schema: { tags, summary: 'Queue and delivery counts', response: { 200: outboxStatsSchema } } },
    async () => admin.stats());

  app.get('/api/messaging/messages/:id', { config: { access: 'messaging:read' }, schema: { tags, summary: 'One message as sent: HTML, text part, headers, and what happened to it', params: idOnly, response: { 200: messageDetailSchema } } },
    async (req) => admin.get(req.params.id));

  app.get('/api/messaging/settings', { config: { access: 'messaging:read' }, schema: { tags, summary: 'SMTP, SMS gateway and guardrail settings (secrets are never returned)', response: { 200: messagingSettingsSchema } } },
    async () => admin.settings());

  app.put('/api/messaging/settings/smtp', { config: { access: 'settings:write' }, schema: { tags, summary: 'Set the SMTP server (omit password to keep the stored one)', body: smtpBody, response: { 200: messagingSettingsSchema } } },
    async (req) => {
      await admin.putSmtp(actorOf(req), req.body);
      return admin.settings();
    });

  app.delete('/api/messaging/settings/smtp', { config: { access: 'settings:write' }, schema: { tags, summary: 'Remove the SMTP server: mail stays in the outbox', response: { 200: messagingSettingsSchema } } },
    async (req) => {
      await admin.putSmtp(actorOf(req), null);
      return admin.settings();
    });

  app.post('/api/messaging/settings/smtp/test', { config: { access: 'settings:write' }, schema: { tags, summary: 'Connect to the SMTP server (the body\'s, or the stored one) without sending', body: smtpBody.nullish(), response: { 200: z.object({ ok: z.boolean(), detail: z.string() }) } } },
    async (req) => admin.testSmtp(req.body ?? undefined));

  app.put('/api/messaging/settings/sms', { config: { access: 'settings:write' }, schema: { tags, summary: 'Set the SMS gateway webhook (omit authHeader to keep the stored one)', body: smsBody, response: { 200: messagingSettingsSchema } } },
    async (req) => {
      await admin.putSms(actorOf(req), req.body);
      return admin.settings();
    });

  app.delete('/api/messaging/settings/sms', { config: { access: 'settings:write' }, schema: { tags, summary: 'Remove the SMS gateway: SMS stay in the outbox', response: { 200: messagingSettingsSchema } } },
    async (req) => {
      await admin.putSms(actorOf(req), null);
      return admin.settings();
    });

  app.put('/api/messaging/settings/guardrails', { config: { access: 'messaging:write' }, schema: { tags, summary: 'Frequency cap, quiet hours, smart sending and attribution windows', body: guardrailsSchema.partial().strict(), response: { 200: guardrailsSchema } } },
    async (req) => admin.putGuardrails(actorOf(req), req.body));

  app.get('/api/messaging/senders', { config: { access: 'messaging:read' }, schema: { tags, summary: 'Senders (from names and addresses)', response: { 200: z.object({ items: z.array(senderSchema) }) } } },
    async () => ({ items: await admin.senders() }));

  app.post('/api/messaging/senders', { config: { access: 'settings:write' }, schema: { tags, summary: 'Add a sender', body: senderBody, response: { 201: senderSchema } } },
    async (req, reply) => reply.status(201).send(await admin.createSender(actorOf(req), req.body)));

  app.patch('/api/messaging/senders/:id', { config: { access: 'settings:write' }, schema: { tags, summary: 'Change a sender', params: idOnly, body: senderBody.partial().strict(), response: { 200: senderSchema } } },
    async (req) => admin.updateSender(actorOf(req), req.params.id, req.body));

  app.delete('/api/messaging/senders/:id', { config: { access: 'settings:write' }, schema: { tags, summary: 'Remove a sender', params: idOnly, response: { 204: z.null() } } },
    async (req, reply) => {
      await admin.deleteSender(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });
}
