import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { badRequest, HttpError } from '../../platform/http/problem.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { INBOUND_PROVIDERS, type InboundProvider } from './engagement.admin.ts';
import { inboundReportSchema } from './engagement.schemas.ts';
import { engagementSettings } from './engagement.settings.ts';
import {
  InboundShapeError, parseDsn, postmarkJson, parseGeneric, parseMailgun, parsePostmark, parseSendgrid, verifyGenericSignature, verifyMailgun, verifySendgrid, type InboundEvent,
} from './bounces.parse.ts';
import type { BounceService } from './bounces.ts';
import type { Links } from './links.ts';
import type { Db } from '../../platform/db/db.ts';

export interface InboundDeps {
  db: Db;
  links: Links;
  bounces: BounceService;
}

const tags = ['Messaging: deliverability'];
const tokenQuery = z.object({ token: z.string().max(100).optional() });
const badSignature = (detail: string) => new HttpError(401, 'invalid-signature', 'Invalid signature', `${detail} Nothing was stored.`);

const rawOf = (req: FastifyRequest): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
function tokenOf(req: FastifyRequest & { query: { token?: string } }): string | undefined {
  const h = req.headers['x-patron-token'];
  return req.query.token ?? (typeof h === 'string' ? h : undefined);
}
function json(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw badRequest(`The body is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Bounce reports and provider webhooks. Authenticated by the installation's inbound token
 * (`?token=` or `X-Patron-Token`) or, where the provider signs and its key is set, by the signature.
 * A bad token or signature is a 401 and nothing is stored; a replayed event changes nothing.
 */
export function inboundRoutes(app: ZodApp, d: InboundDeps): void {
  const report = async (events: InboundEvent[]) => ({ received: events.length, ...(await d.bounces.apply(events)) });

  app.post('/api/messaging/inbound/dsn', {
    config: { access: 'public' },
    schema: {
      tags, summary: 'Receive a bounce report (RFC 3464 DSN)', querystring: tokenQuery, response: { 200: inboundReportSchema },
      description: 'The raw bounce email (Content-Type message/rfc822) as a mail server received it, e.g. piped from the bounce mailbox. Hard bounces (5.x.x) suppress the address; soft ones (4.x.x) count, and three in a row suppress it.',
    },
  }, async (req) => {
    // The shape is checked first (cheap, stores nothing), then who sent it.
    const raw = rawOf(req);
    if (!raw.length) throw badRequest('The body is empty: send the whole bounce email (message/rfc822).');
    if (!/^content-type:\s*multipart\/report/im.test(raw.subarray(0, 64 * 1024).toString('utf8'))) {
      throw badRequest('This is not a delivery status notification: its Content-Type is not multipart/report (RFC 3464).');
    }
    if (!d.links.verifyInboundToken(tokenOf(req))) throw badSignature('Send the inbound token from Settings → Suppressions as ?token= or X-Patron-Token.');
    return report(await parseDsn(raw));
  });

  app.post('/api/messaging/inbound/:provider', {
    config: { access: 'public' },
    schema: {
      tags, summary: 'Receive delivery events from an email provider', querystring: tokenQuery, response: { 200: inboundReportSchema },
      params: z.object({ provider: z.enum(INBOUND_PROVIDERS, { error: `must be one of ${INBOUND_PROVIDERS.join(', ')}` }) }),
      description: 'generic: {"events":[{"id","type","messageId"|"providerMessageId"|"email",…}]}, optionally signed with X-Patron-Signature: sha256=<hex HMAC of the body with the token>. sendgrid: the Event Webhook (verified by its ECDSA signature when the public key is set). mailgun: webhooks (verified by their HMAC when the signing key is set). postmark: Delivery, Bounce and SpamComplaint webhooks.',
    },
  }, async (req) => {
    const raw = rawOf(req);
    const provider: InboundProvider = req.params.provider;
    const s = await engagementSettings.get(d.db);
    const tokenOk = d.links.verifyInboundToken(tokenOf(req));
    let body: unknown;
    switch (provider) {
      case 'sendgrid': {
        const sig = req.headers['x-twilio-email-event-webhook-signature'];
        const ts = req.headers['x-twilio-email-event-webhook-timestamp'];
        if (s.sendgridPublicKey && (sig || !tokenOk)) {
          if (!verifySendgrid(s.sendgridPublicKey, raw, typeof sig === 'string' ? sig : undefined, typeof ts === 'string' ? ts : undefined)) throw badSignature('The SendGrid signature does not match the public key in the settings.');
        } else if (!tokenOk) throw badSignature('Add ?token=<inbound token> to the webhook URL, or set SendGrid’s verification key in the settings.');
        body = json(raw);
        break;
      }
      case 'mailgun':
        body = json(raw);
        if (s.mailgunSigningSecret) {
          if (!verifyMailgun(s.mailgunSigningSecret, body)) throw badSignature('The Mailgun signature does not match the webhook signing key in the settings.');
        } else if (!tokenOk) throw badSignature('Add ?token=<inbound token> to the webhook URL, or set Mailgun’s webhook signing key in the settings.');
        break;
      default: {
        const sig = req.headers['x-patron-signature'];
        if (typeof sig === 'string' && provider === 'generic') {
          if (!verifyGenericSignature(d.links.inboundToken(), raw, sig)) throw badSignature('X-Patron-Signature does not match the body.');
        } else if (!tokenOk) throw badSignature('Add ?token=<inbound token> to the webhook URL (or send it as X-Patron-Token).');
        body = json(provider === 'postmark' ? Buffer.from(postmarkJson(raw.toString('utf8'))) : raw);
      }
    }
    try {
      const parse = { generic: parseGeneric, sendgrid: parseSendgrid, mailgun: parseMailgun, postmark: parsePostmark }[provider];
      return await report(parse(body));
    } catch (e) {
      if (e instanceof InboundShapeError) throw badRequest(e.message);
      throw e;
    }
  });
}
