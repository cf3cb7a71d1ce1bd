import { randomBytes } from 'node:crypto';
import type { Activity } from '../../../platform/activities/activities.ts';
import { audit, SYSTEM_ACTOR, type Actor } from '../../../platform/audit/audit.ts';
import type { Db, Tx } from '../../../platform/db/db.ts';
import { badRequest, notFound } from '../../../platform/http/problem.ts';
import { newId } from '../../../platform/ids.ts';
import type { Jobs } from '../../../platform/jobs/jobs.ts';
import { outboundRepo, type OutboundDeliveryRow, type SubscriptionRow } from './outbound.repo.ts';
import type { CreateSubscriptionBody, OutboundDelivery, Subscription, TestResult, UpdateSubscriptionBody } from './outbound.schemas.ts';
import { sendSigned, type SendResult } from './send.ts';
import { nonPublicAddressesOf } from './address.ts';

export const DELIVER_JOB = 'integrations.webhook-deliver';

export interface OutboundOptions {
  /** Per delivery attempt, the whole HTTP exchange. */
  timeoutMs: number;
  /** Attempts per activity (the job queue's exponential backoff: 20 attempts span about three days). */
  maxAttempts: number;
  /** A subscription is disabled after this many consecutive failed attempts … */
  disableAfterFailures: number;
  /** … that span at least this long (so a short outage during a burst of activities does not disable it). */
  disableAfterMs: number;
  /** http:// to loopback hosts (development); otherwise https only. */
  allowLoopbackHttp: boolean;
  /** Deliver to hosts that resolve to private, loopback or link-local addresses (PATRON_WEBHOOKS_ALLOW_PRIVATE). */
  allowPrivateTargets: boolean;
  /** How long the list of enabled subscriptions is cached per process for the activity listener. */
  cacheTtlMs: number;
}

export const DEFAULT_OUTBOUND_OPTIONS: OutboundOptions = {
  timeoutMs: 10_000, maxAttempts: 20, disableAfterFailures: 20, disableAfterMs: 24 * 3600_000, allowLoopbackHttp: false, allowPrivateTargets: false, cacheTtlMs: 5_000,
};

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

export function matches(types: readonly string[], type: string): boolean {
  return types.includes('*') || types.includes(type);
}

function toSubscription(r: SubscriptionRow): Subscription {
  return {
    id: r.id, url: r.url, description: r.description, activityTypes: r.activity_types, enabled: r.enabled, secretHint: `whsec_…${r.secret.slice(-4)}`,
    consecutiveFailures: r.consecutive_failures, failingSince: r.failing_since, lastSuccessAt: r.last_success_at, lastFailureAt: r.last_failure_at,
    disabledAt: r.disabled_at, disabledReason: r.disabled_reason, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function toDelivery(r: OutboundDeliveryRow): OutboundDelivery {
  return {
    id: r.id, messageId: r.message_id, activityId: r.activity_id, eventType: r.event_type, attempt: r.attempt, test: r.test, succeeded: r.succeeded,
    statusCode: r.status_code, responseMs: r.response_ms, error: r.error, responseExcerpt: r.response_excerpt, createdAt: r.created_at,
  };
}

function normaliseTypes(types: string[]): string[] {
  const set = [...new Set(types.map((t) => t.trim()).filter(Boolean))];
  return set.includes('*') ? ['*'] : set;
}

/** Outbound webhooks: subscriptions (audited CRUD), the activity listener that enqueues deliveries, and the delivery job. */
export class OutboundWebhooks {
  private readonly db: Db;
  private readonly jobs: Jobs;
  readonly options: OutboundOptions;
  private cache: { at: number; subs: Pick<SubscriptionRow, 'id' | 'activity_types'>[] } | undefined;

  constructor(db: Db, jobs: Jobs, options: Partial<OutboundOptions> = {}) {
    this.db = db;
    this.jobs = jobs;
    this.options = { ...DEFAULT_OUTBOUND_OPTIONS, ...options };
  }

  /** Changes options at run time (tests use small numbers). */
  configure(options: Partial<OutboundOptions>): void {
    Object.assign(this.options, options);
    this.cache = undefined;
  }

  private checkUrl(raw: string): string {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw badRequest('url is not a URL.', [{ pointer: '/body/url', detail: 'must be an absolute URL like https://example.com/hooks/patron' }]);
    }
    if (u.username || u.password) {
      throw badRequest('url must not contain a user name or password.', [{ pointer: '/body/url', detail: 'must not contain credentials; put a token in the path or query instead' }]);
    }
    const loopbackHttp = u.protocol === 'http:' && LOOPBACK.has(u.hostname);
    if (u.protocol === 'https:' || (loopbackHttp && this.options.allowLoopbackHttp)) return u.toString();
    const detail = loopbackHttp
      ? 'http:// is only allowed to localhost while Patron runs in development (PATRON_PUBLIC_URL unset or local); use https://'
      : 'must be an https:// URL (http:// only to localhost in development)';
    throw badRequest(`url ${detail}.`, [{ pointer: '/body/url', detail }]);
  }

  async list(): Promise<Subscription[]> {
    return (await outboundRepo.all(this.db)).map(toSubscription);
  }

  async get(id: string): Promise<Subscription> {
    const r = await outboundRepo.byId(this.db, id);
    if (!r) throw notFound(`No webhook subscription with id ${id}.`);
    return toSubscription(r);
  }

  async create(actor: Actor, body: CreateSubscriptionBody): Promise<{ subscription: Subscription; secret: string }> {
    const url = this.checkUrl(body.url);
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const out = await this.db.transaction().execute(async (tx) => {
      const row = await outboundRepo.insert(tx, {
        id: newId(), url, description: body.description, activity_types: normaliseTypes(body.activityTypes), secret, enabled: body.enabled,
        failing_since: null, last_success_at: null, last_failure_at: null, disabled_at: body.enabled ? null : new Date(), disabled_reason: null,
      });
      const subscription = toSubscription(row);
      await audit.record(tx, actor, { action: 'webhook_subscription.created', entityType: 'webhook_subscription', entityId: row.id, summary: `Created webhook subscription to ${url} (${row.activity_types.join(', ')})`, after: subscription });
      return { subscription, secret };
    });
    this.cache = undefined;
    return out;
  }

  async update(actor: Actor, id: string, body: UpdateSubscriptionBody): Promise<Subscription> {
    const url = body.url !== undefined ? this.checkUrl(body.url) : undefined;
    const out = await this.db.transaction().execute(async (tx) => {
      const before = await outboundRepo.byId(tx, id);
      if (!before) throw notFound(`No webhook subscription with id ${id}.`);
      const toggled = body.enabled !== undefined && body.enabled !== before.enabled;
      const row = await outboundRepo.update(tx, id, {
        ...(url !== undefined ? { url } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.activityTypes !== undefined ? { activity_types: normaliseTypes(body.activityTypes) } : {}),
        ...(toggled && body.enabled ? { enabled: true, consecutive_failures: 0, failing_since: null, disabled_at: null, disabled_reason: null } : {}),
        ...(toggled && !body.enabled ? { enabled: false, disabled_at: new Date(), disabled_reason: null } : {}),
      });
      if (!row) throw notFound(`No webhook subscription with id ${id}.`);
      const changed = Object.keys(body).filter((k) => body[k as keyof UpdateSubscriptionBody] !== undefined);
      await audit.record(tx, actor, { action: 'webhook_subscription.updated', entityType: 'webhook_subscription', entityId: id, summary: `Changed ${changed.join(', ') || 'nothing'} of webhook subscription to ${row.url}`, before: toSubscription(before), after: toSubscription(row) });
      return toSubscription(row);
    });
    this.cache = undefined;
    return out;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const before = await outboundRepo.byId(tx, id);
      if (!before) throw notFound(`No webhook subscription with id ${id}.`);
      await outboundRepo.remove(tx, id);
      await audit.record(tx, actor, { action: 'webhook_subscription.deleted', entityType: 'webhook_subscription', entityId: id, summary: `Deleted webhook subscription to ${before.url}`, before: toSubscription(before) });
    });
    this.cache = undefined;
  }

  async deliveries(id: string, f: { before?: string; limit: number }): Promise<{ items: OutboundDelivery[]; nextCursor: string | null }> {
    if (!(await outboundRepo.byId(this.db, id))) throw notFound(`No webhook subscription with id ${id}.`);
    const rows = await outboundRepo.deliveries(this.db, id, f);
    return { items: rows.map(toDelivery), nextCursor: rows.length === f.limit ? (rows.at(-1)?.id ?? null) : null };
  }

  /** Sends after checking where the host name points today (a name can be re-pointed after the subscription was made). */
  private async send(url: string, secret: string, messageId: string, body: string): Promise<SendResult> {
    if (!this.options.allowPrivateTargets) {
      const host = new URL(url).hostname;
      if (!(this.options.allowLoopbackHttp && LOOPBACK.has(host))) {
        let bad: string[];
        try {
          bad = await nonPublicAddressesOf(host);
        } catch (e) {
          return { succeeded: false, statusCode: null, responseMs: 0, error: `Cannot resolve ${host}: ${(e as Error).message}`, responseExcerpt: null };
        }
        if (bad.length) {
          return { succeeded: false, statusCode: null, responseMs: 0, responseExcerpt: null,
            error: `Refused: ${host} resolves to a non-public address (${bad.join(', ')}). Set PATRON_WEBHOOKS_ALLOW_PRIVATE=true to deliver to internal hosts.` };
        }
      }
    }
    return sendSigned(url, secret, messageId, body, { timeoutMs: this.options.timeoutMs });
  }

  /** Sends a `webhook.test` event now and reports the answer; it does not count towards disabling. */
  async test(actor: Actor, id: string): Promise<TestResult> {
    const sub = await outboundRepo.byId(this.db, id);
    if (!sub) throw notFound(`No webhook subscription with id ${id}.`);
    const messageId = newId();
    const body = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: { message: 'A test event from Patron.', subscriptionId: sub.id } });
    const r = await this.send(sub.url, sub.secret, messageId, body);
    await this.db.transaction().execute(async (tx) => {
      await this.log(tx, sub.id, messageId, null, 'webhook.test', 1, true, r);
      await audit.record(tx, actor, { action: 'webhook_subscription.tested', entityType: 'webhook_subscription', entityId: sub.id, summary: `Sent a test event to ${sub.url}: ${r.succeeded ? `HTTP ${r.statusCode}` : r.error}` });
    });
    return { succeeded: r.succeeded, statusCode: r.statusCode, responseMs: r.responseMs, error: r.error, responseExcerpt: r.responseExcerpt };
  }

  /** Activity listener: one delivery job per matching subscription, in the activity's own transaction. */
  readonly onActivity = async (tx: Tx, activity: Activity): Promise<void> => {
    const now = Date.now();
    if (!this.cache || now - this.cache.at >= this.options.cacheTtlMs) this.cache = { at: now, subs: await outboundRepo.enabled(tx) };
    for (const sub of this.cache.subs) {
      if (!matches(sub.activity_types, activity.type)) continue;
      await this.jobs.enqueue(tx, DELIVER_JOB, { subscriptionId: sub.id, activityId: activity.id }, { jobKey: `${sub.id}:${activity.id}`, maxAttempts: this.options.maxAttempts });
    }
  };

  /** The delivery job: POST the activity; a failure is logged, counted, and thrown so the queue retries it. */
  async deliver(p: { subscriptionId: string; activityId: string }, attempt: number): Promise<void> {
    const sub = await outboundRepo.byId(this.db, p.subscriptionId);
    if (!sub || !sub.enabled) return;
    const a = await outboundRepo.activity(this.db, p.activityId);
    if (!a || !matches(sub.activity_types, a.type)) return;
    const data = { id: a.id, customerId: a.customer_id, type: a.type, occurredAt: a.occurred_at, receivedAt: a.received_at, source: a.source, properties: a.properties ?? {} };
    const body = JSON.stringify({ type: a.type, timestamp: a.occurred_at.toISOString(), data });
    const r = await this.send(sub.url, sub.secret, a.id, body);
    const disabled = await this.db.transaction().execute(async (tx) => {
      await this.log(tx, sub.id, a.id, a.id, a.type, attempt, false, r);
      if (r.succeeded) {
        await outboundRepo.succeeded(tx, sub.id);
        return false;
      }
      return this.countFailure(tx, sub.id, r.error ?? 'failed');
    });
    if (!r.succeeded && !disabled) throw new Error(`Webhook delivery to ${sub.url} failed: ${r.error}`);
  }

  private async countFailure(tx: Tx, id: string, lastError: string): Promise<boolean> {
    const row = await outboundRepo.failed(tx, id);
    const o = this.options;
    if (!row?.enabled || !row.failing_since || row.consecutive_failures < o.disableAfterFailures) return false;
    if (Date.now() - row.failing_since.getTime() < o.disableAfterMs) return false;
    const reason = `Disabled after ${row.consecutive_failures} consecutive failed deliveries since ${row.failing_since.toISOString()}; last error: ${lastError}`;
    if (!(await outboundRepo.disable(tx, id, reason))) return false;
    await audit.record(tx, SYSTEM_ACTOR, { action: 'webhook_subscription.disabled', entityType: 'webhook_subscription', entityId: id, summary: `Disabled webhook subscription to ${row.url}. ${reason}` });
    this.cache = undefined;
    return true;
  }

  private async log(tx: Tx, subscriptionId: string, messageId: string, activityId: string | null, eventType: string, attempt: number, test: boolean, r: SendResult): Promise<void> {
    await outboundRepo.logDelivery(tx, {
      id: newId(), subscription_id: subscriptionId, message_id: messageId, activity_id: activityId, event_type: eventType.slice(0, 200), attempt, test,
      succeeded: r.succeeded, status_code: r.statusCode, response_ms: r.responseMs, error: r.error?.replaceAll('\u0000', '').slice(0, 2000) ?? null, response_excerpt: r.responseExcerpt?.replaceAll('\u0000', '') ?? null,
    });
  }
}
