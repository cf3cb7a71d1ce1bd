import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../platform/db/db.ts';
import { actorOf } from '../../platform/http/context.ts';
import { HttpError, notFound } from '../../platform/http/problem.ts';
import { grants } from '../../platform/http/rbac.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { attachmentStore, contentDisposition } from './attachments.ts';
import type { EmailAdmin } from './email.admin.ts';
import { emailSettingsBody, emailSettingsOut, inboundListQuery, inboundListSchema, inboundResultSchema, webhookInfoSchema } from './email.schemas.ts';
import type { EmailInbound } from './email.service.ts';
import { emailSettings, tokenMatches } from './email.settings.ts';
import { INBOUND_EMAIL_PROVIDERS, readWebhook } from './email.webhooks.ts';

const tags = ['Support: email'];
const read = { access: 'support:read' } as const;
const write = { access: 'support:write' } as const;
const uuid = z.guid({ error: 'must be a UUID' });
/** Webhook bodies carry attachments (base64 in JSON grows them by a third). */
const WEBHOOK_BODY_LIMIT = 40 * 1024 * 1024;

export interface EmailRouteDeps {
  db: Db;
  inbound: EmailInbound;
  admin: EmailAdmin;
}

function sendFile(reply: FastifyReply, body: Buffer, type: string, filename: string): FastifyReply {
  return reply.header('content-type', type).header('content-disposition', contentDisposition(filename)).header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox").header('cache-control', 'private, no-store').send(body);
}

/** Inbound-parse webhooks, attachments, settings and the log of received email. */
export function emailRoutes(app: ZodApp, d: EmailRouteDeps): void {
  const { admin, inbound } = d;

  // Webhooks keep the raw body: MIME must reach the parser byte for byte, forms come in several encodings.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));
    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.post('/api/support/inbound/email/:provider', {
      config: { access: 'public' },
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: {
        tags, summary: 'Receive an email from an inbound-parse webhook',
        description: 'raw: the MIME message (message/rfc822), or a form/JSON with an "email" field. sendgrid: Inbound Parse. mailgun: routes (forward). postmark: inbound JSON. '
          + 'Authenticate with ?token=<secret> (Settings → Support email), the X-Patron-Token header, or an API key with support:write (Bearer, or HTTP Basic with the key as user name). '
          + 'Always 200 once stored, whatever became of it (status says: ticket, reply, duplicate, auto_reply, bounce, rate_limited, failed).',
        params: z.object({ provider: z.enum(INBOUND_EMAIL_PROVIDERS, { error: `must be one of ${INBOUND_EMAIL_PROVIDERS.join(', ')}` }) }),
        querystring: z.object({ token: z.string().max(200).optional() }),
        response: { 200: inboundResultSchema },
      },
    }, async (req) => {
      await authorizeWebhook(req, req.query.token, d.db);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const w = await readWebhook(req.params.provider, body, String(req.headers['content-type'] ?? ''));
      const ctx = { source: `webhook:${req.params.provider}`, mailFrom: w.mailFrom ?? null, rcptTo: w.rcptTo };
      return w.kind === 'raw' ? inbound.receiveRaw(w.raw, ctx) : inbound.receiveParsed(w.mail, ctx);
    });
  });

  app.get('/api/support/tickets/:ticketId/attachments/:attachmentId', {
    config: read,
    schema: { tags, summary: 'Download an attachment of a ticket (always as a download, never rendered inline)', params: z.object({ ticketId: uuid, attachmentId: uuid }) },
  }, async (req, reply) => {
    const a = await attachmentStore.load(d.db, req.params.ticketId, req.params.attachmentId);
    if (!a) throw notFound(`No attachment ${req.params.attachmentId} on ticket ${req.params.ticketId}.`);
    return sendFile(reply, a.content, a.contentType, a.filename);
  });

  app.get('/api/support/tickets/:ticketId/messages/:messageId/original', {
    config: read,
    schema: { tags, summary: 'The original email of a message, quoted history and all (.eml)', params: z.object({ ticketId: uuid, messageId: uuid }) },
  }, async (req, reply) => {
    const o = await admin.original(req.params.ticketId, req.params.messageId);
    return sendFile(reply, o.body, o.json ? 'application/json' : 'message/rfc822', `message-${req.params.messageId}.${o.json ? 'json' : 'eml'}`);
  });

  app.get('/api/support/email/settings', { config: { access: 'settings:read' }, schema: { tags, summary: 'Support email settings', response: { 200: emailSettingsOut } } },
    async () => admin.settings());

  app.put('/api/support/email/settings', { config: { access: 'settings:write' }, schema: { tags, summary: 'Change the support email settings', body: emailSettingsBody, response: { 200: emailSettingsOut } } },
    async (req) => admin.putSettings(actorOf(req), req.body));

  app.get('/api/support/email/webhook', { config: { access: 'settings:write' }, schema: { tags, summary: 'Inbound webhook URLs (with the secret token) per provider', response: { 200: webhookInfoSchema } } },
    async () => admin.webhook());

  app.post('/api/support/email/webhook/rotate', { config: { access: 'settings:write' }, schema: { tags, summary: 'Make a new webhook secret (the old URLs stop working)', response: { 200: webhookInfoSchema } } },
    async (req) => {
      await admin.rotateWebhookSecret(actorOf(req));
      return admin.webhook();
    });

  app.get('/api/support/email/inbound', { config: read, schema: { tags, summary: 'Received email and what became of each (newest first)', querystring: inboundListQuery, response: { 200: inboundListSchema } } },
    async (req) => admin.list(req.query));

  app.get('/api/support/email/inbound/:id/raw', { config: read, schema: { tags, summary: 'The original of a received email', params: z.object({ id: uuid }) } },
    async (req, reply) => {
      const o = await admin.raw(req.params.id);
      return sendFile(reply, o.body, o.json ? 'application/json' : 'message/rfc822', `received-${req.params.id}.${o.json ? 'json' : 'eml'}`);
    });

  app.post('/api/support/email/inbound/:id/retry', { config: write, schema: { tags, summary: 'Process a failed or held email again (the flood limit does not apply)', params: z.object({ id: uuid }), response: { 200: inboundResultSchema } } },
    async (req) => inbound.retry(actorOf(req), req.params.id));
}

async function authorizeWebhook(req: FastifyRequest, token: string | undefined, db: Db): Promise<void> {
  const p = req.principal;
  if (p?.kind === 'api_key' && p.keyKind === 'secret' && grants(p.permissions, 'support:write')) return;
  const h = req.headers['x-patron-token'];
  const presented = token ?? (typeof h === 'string' ? h : undefined);
  if (tokenMatches(presented, await emailSettings.secret(db))) return;
  throw new HttpError(401, 'invalid-token', 'Invalid token', 'Add ?token=<secret> from Settings → Support email to the webhook URL (or send it as X-Patron-Token, or use an API key with support:write). Nothing was stored.');
}
