import type { IncomingHttpHeaders } from 'node:http';
import type { Db } from '../../../platform/db/db.ts';
import { HttpError, notFound } from '../../../platform/http/problem.ts';
import { newId } from '../../../platform/ids.ts';
import type { Jobs } from '../../../platform/jobs/jobs.ts';
import { obj, str } from './plan.ts';
import { standardKey, verifyHmacBase64, verifyStandard } from './signatures.ts';
import { webhooksRepo, type ConnectionRow, type DeliveryOutcome } from './webhooks.repo.ts';
import type { Platform } from './webhooks.schemas.ts';

export const PROCESS_JOB = 'integrations.webhook-process';

export interface IncomingWebhook {
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as received: signatures are over these bytes. */
  body: Buffer;
}

export interface Receipt {
  received: boolean;
  deliveryId?: string;
  duplicate: boolean;
}

const header = (h: IncomingHttpHeaders, ...names: string[]): string | undefined => {
  for (const n of names) {
    const v = h[n];
    const s = Array.isArray(v) ? v[0] : v;
    if (s && s.trim()) return s.trim();
  }
  return undefined;
};

const invalidSignature = (detail: string) => new HttpError(401, 'invalid-signature', 'Invalid webhook signature', detail);
const missingHeader = (name: string) => new HttpError(400, 'validation-error', 'Your request is not valid', `The ${name} header is required.`, { errors: [{ pointer: `/headers/${name.toLowerCase()}`, detail: 'is required' }] });

/** Checks the platform's signature over the raw body; returns the delivery id and (where a header carries it) the topic. */
export function verifyWebhook(conn: ConnectionRow, w: IncomingWebhook, nowMs = Date.now()): { deliveryId: string; topic?: string } {
  const h = w.headers;
  if (conn.platform === 'shopify') {
    const sig = header(h, 'x-shopify-hmac-sha256', 'shopify-hmac-sha256');
    if (!sig) throw invalidSignature('The X-Shopify-Hmac-Sha256 header is missing.');
    if (!verifyHmacBase64(conn.webhook_secret, w.body, sig)) throw invalidSignature('X-Shopify-Hmac-Sha256 does not match the body: check that the connection has the app’s client secret.');
    const deliveryId = header(h, 'x-shopify-webhook-id', 'shopify-webhook-id', 'x-shopify-event-id', 'shopify-event-id');
    const topic = header(h, 'x-shopify-topic', 'shopify-topic');
    if (!deliveryId) throw missingHeader('X-Shopify-Webhook-Id');
    if (!topic) throw missingHeader('X-Shopify-Topic');
    return { deliveryId, topic };
  }
  if (conn.platform === 'woocommerce') {
    const sig = header(h, 'x-wc-webhook-signature');
    if (!sig) throw invalidSignature('The X-WC-Webhook-Signature header is missing.');
    if (!verifyHmacBase64(conn.webhook_secret, w.body, sig)) throw invalidSignature('X-WC-Webhook-Signature does not match the body: check that the connection has the webhook’s secret.');
    const deliveryId = header(h, 'x-wc-webhook-delivery-id');
    const topic = header(h, 'x-wc-webhook-topic');
    if (!deliveryId) throw missingHeader('X-WC-Webhook-Delivery-ID');
    if (!topic) throw missingHeader('X-WC-Webhook-Topic');
    return { deliveryId, topic };
  }
  const id = header(h, 'webhook-id');
  const v = verifyStandard(standardKey(conn.webhook_secret), { id, timestamp: header(h, 'webhook-timestamp'), signature: header(h, 'webhook-signature') }, w.body, { nowMs });
  if (!v.ok) throw invalidSignature(v.reason);
  return { deliveryId: id! };
}

/** WooCommerce pings a new webhook's URL with an unsigned form body `webhook_id=N`; it only needs a 200. */
export function isWooPing(w: IncomingWebhook): boolean {
  return !header(w.headers, 'x-wc-webhook-signature') && /^webhook_id=\d+$/.test(w.body.toString('utf8').trim());
}

/** JSON text Postgres accepts: jsonb refuses \u0000 in strings and keys. */
export function jsonForPg(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'string') return v.replaceAll('\u0000', '');
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => k.includes('\u0000'))) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replaceAll('\u0000', ''), x]));
    }
    return v;
  });
}

/** Accepts signed webhooks: verify, dedupe, store and enqueue in one transaction, then acknowledge. */
export class WebhookReceiver {
  private readonly db: Db;
  private readonly jobs: Jobs;

  constructor(db: Db, jobs: Jobs) {
    this.db = db;
    this.jobs = jobs;
  }

  async receive(platform: Platform, connectionId: string, w: IncomingWebhook, contentType: string | undefined): Promise<Receipt> {
    const conn = await webhooksRepo.connection(this.db, connectionId);
    if (!conn || conn.platform !== platform) {
      throw notFound(`No ${platform} store connection ${connectionId}. Copy the webhook URL from Patron (Settings → Integrations).`);
    }
    if (platform === 'woocommerce' && isWooPing(w)) return { received: true, duplicate: false };
    const v = verifyWebhook(conn, w);
    if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType ?? '')) {
      throw new HttpError(415, 'unsupported-media-type', 'Unsupported media type', `Content-Type "${contentType ?? ''}" is not accepted here; webhooks must be sent as application/json.`);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(w.body.toString('utf8'));
    } catch (e) {
      const detail = `The body is not valid JSON: ${(e as Error).message}`;
      await this.store(conn, v.deliveryId, v.topic ?? 'unknown', undefined, 'rejected', detail);
      throw new HttpError(400, 'malformed-json', 'Bad request', detail);
    }
    const topic = v.topic ?? str(obj(payload)?.scope);
    if (!topic) {
      const detail = 'The payload has no "scope": it is not a BigCommerce webhook.';
      await this.store(conn, v.deliveryId, 'unknown', payload, 'rejected', detail);
      throw new HttpError(400, 'validation-error', 'Your request is not valid', detail, { errors: [{ pointer: '/body/scope', detail: 'is required' }] });
    }
    return this.store(conn, v.deliveryId, topic, payload, 'pending');
  }

  private async store(conn: ConnectionRow, deliveryId: string, topic: string, payload: unknown, outcome: DeliveryOutcome, error?: string): Promise<Receipt> {
    return this.db.transaction().execute(async (tx) => {
      const row = await webhooksRepo.insertDelivery(tx, {
        id: newId(), connection_id: conn.id, delivery_id: deliveryId.slice(0, 200), topic: topic.slice(0, 200), outcome, error: error ?? null, note: null,
        payload: payload === undefined ? null : jsonForPg(payload), resource_type: null, resource_id: null, resource_updated_at: null, processed_at: null,
      });
      if (!row) {
        const seen = await webhooksRepo.deliveryByExternalId(tx, conn.id, deliveryId.slice(0, 200));
        return { received: true, duplicate: true, deliveryId: seen?.id };
      }
      if (outcome === 'pending') await this.jobs.enqueue(tx, PROCESS_JOB, { deliveryId: row.id }, { jobKey: `webhook-delivery:${row.id}` });
      await webhooksRepo.touchConnection(tx, conn.id);
      return { received: true, duplicate: false, deliveryId: row.id };
    });
  }
}
