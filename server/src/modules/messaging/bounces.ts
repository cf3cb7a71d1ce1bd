import { sql } from 'kysely';
import type { NewActivity } from '../../platform/activities/activities.ts';
import type { Actor } from '../../platform/audit/audit.ts';
import type { Tx } from '../../platform/db/db.ts';
import type { InboundEvent } from './bounces.parse.ts';
import { engagementRepo, messageProps, type TrackedMessage } from './engagement.repo.ts';
import { isTestSend, RecipientConsent } from './unsubscribe.ts';

/** Soft bounces in a row (distinct messages, no delivery or open between) that suppress an address. */
export const SOFT_BOUNCE_LIMIT = 3;

export interface ApplyReport {
  applied: number;
  duplicates: number;
  /** Events whose message could not be found (a hard bounce or complaint still suppresses the address). */
  unmatched: number;
}

export type SmsReceiptStatus = 'delivered' | 'failed' | 'undelivered';

const PROVIDER_ACTOR = (provider: string): Actor => ({ type: 'system', id: null, label: `${provider} webhook` });

/**
 * Applies delivery reports (DSN bounces, provider webhooks, SMS receipts): delivered, hard and soft
 * bounces (suppression after a hard one or SOFT_BOUNCE_LIMIT soft ones), complaints (suppression and
 * unsubscribe), unsubscribes. Every provider event is applied once.
 */
export class BounceService extends RecipientConsent {
  async apply(events: InboundEvent[]): Promise<ApplyReport> {
    const report: ApplyReport = { applied: 0, duplicates: 0, unmatched: 0 };
    for (const e of events) {
      const r = await this.db.transaction().execute((tx) => this.applyOne(tx, e));
      report[r]++;
    }
    return report;
  }

  private async find(tx: Tx, e: InboundEvent): Promise<TrackedMessage | undefined> {
    if (e.messageId) {
      const m = await engagementRepo.message(tx, e.messageId);
      if (m) return m;
    }
    if (e.providerMessageId) {
      const m = await engagementRepo.byProviderId(tx, e.providerMessageId);
      if (m) return m;
    }
    return e.recipient ? engagementRepo.lastSentTo(tx, 'email', e.recipient, e.at) : undefined;
  }

  private async applyOne(tx: Tx, e: InboundEvent): Promise<keyof ApplyReport> {
    const m = await this.find(tx, e);
    if (!(await engagementRepo.claimInbound(tx, e.provider, e.eventId, m?.id ?? null, e.type))) return 'duplicates';
    const address = (e.recipient ?? m?.to_address ?? '').toLowerCase() || null;
    const data = { provider: e.provider, eventId: e.eventId, status: e.status ?? null, reason: e.reason?.slice(0, 1000) ?? null, bounceType: e.bounceType ?? null };
    const activities: NewActivity[] = [];
    const activity = (type: NewActivity['type'], properties: Record<string, unknown> = {}) => {
      if (m?.customer_id) activities.push({ customerId: m.customer_id, type, source: 'messaging', occurredAt: e.at, properties: { ...messageProps(m), ...properties } });
    };

    switch (e.type) {
      case 'delivered':
        if (m && (await engagementRepo.markFirst(tx, m.id, 'delivered_at', e.at))) {
          await engagementRepo.insertEvent(tx, { messageId: m.id, customerId: m.customer_id, type: 'delivered', at: e.at, data });
          activity('Email Delivered');
        }
        await engagementRepo.resetStreak(tx, 'email', address);
        break;
      case 'bounced': {
        const hard = e.bounceType !== 'soft';
        if (m) {
          // The first bounce's time stays; a hard bounce outranks a soft one.
          await sql`update messages set bounced_at = coalesce(bounced_at, ${e.at}), bounce_type = case when ${hard} then 'hard' else coalesce(bounce_type, 'soft') end where id = ${m.id}`.execute(tx);
          await engagementRepo.insertEvent(tx, { messageId: m.id, customerId: m.customer_id, type: 'bounced', at: e.at, data });
          activity('Email Bounced', { bounceType: hard ? 'hard' : 'soft', status: e.status, reason: e.reason });
        }
        if (!address) break;
        if (hard) {
          await engagementRepo.suppress(tx, { channel: 'email', address, reason: 'hard_bounce', detail: describe(e), source: e.provider, customerId: m?.customer_id ?? null, createdBy: e.provider });
          await engagementRepo.resetStreak(tx, 'email', address);
        } else if (m) {
          const streak = await engagementRepo.softBounce(tx, 'email', address, m.id, e.at);
          if (streak >= SOFT_BOUNCE_LIMIT) {
            await engagementRepo.suppress(tx, { channel: 'email', address, reason: 'hard_bounce', detail: `${streak} soft bounces in a row; last: ${describe(e)}`, source: e.provider, customerId: m.customer_id, createdBy: e.provider });
          }
        }
        break;
      }
      case 'complained':
        if (m && (await engagementRepo.markFirst(tx, m.id, 'complained_at', e.at))) {
          await engagementRepo.insertEvent(tx, { messageId: m.id, customerId: m.customer_id, type: 'complained', at: e.at, data });
          activity('Email Marked as Spam');
        }
        if (address) await engagementRepo.suppress(tx, { channel: 'email', address, reason: 'complaint', detail: describe(e), source: e.provider, customerId: m?.customer_id ?? null, createdBy: e.provider });
        await this.unsubscribe(tx, m, e, 'spam_complaint', 'Marked an email as spam', activity);
        break;
      case 'unsubscribed':
        if (m && (await engagementRepo.markFirst(tx, m.id, 'unsubscribed_at', e.at))) {
          await engagementRepo.insertEvent(tx, { messageId: m.id, customerId: m.customer_id, type: 'unsubscribed', at: e.at, data });
        }
        await this.unsubscribe(tx, m, e, 'webhook', `Unsubscribed through ${e.provider}`, activity);
        break;
      case 'deferred':
        break;
    }
    await this.activities.append(tx, activities);
    return m ? 'applied' : 'unmatched';
  }

  private async unsubscribe(tx: Tx, m: TrackedMessage | undefined, e: InboundEvent, method: 'spam_complaint' | 'webhook', reason: string, activity: (t: NewActivity['type'], p?: Record<string, unknown>) => void): Promise<void> {
    if (!m?.customer_id || isTestSend(m)) return;
    await this.unsubscribeEmail(tx, {
      customerId: m.customer_id, method, source: e.provider === 'dsn' ? 'email' : e.provider, actor: PROVIDER_ACTOR(e.provider),
      reason, evidence: { messageId: m.id, provider: e.provider, eventId: e.eventId }, occurredAt: e.at,
    }, () => {
      if (method === 'webhook') activity('Unsubscribed', { channel: 'email', via: e.provider });
    });
  }

  /** An SMS gateway's delivery receipt. `ref` is our message id or the gateway's. */
  async smsReceipt(ref: { messageId?: string; providerId?: string }, status: SmsReceiptStatus, error: string | undefined): Promise<'applied' | 'unchanged' | 'unmatched'> {
    return this.db.transaction().execute(async (tx) => {
      let m = ref.messageId ? await engagementRepo.message(tx, ref.messageId, true) : undefined;
      if (!m && ref.providerId) m = await engagementRepo.byProviderId(tx, ref.providerId);
      if (!m || m.channel !== 'sms') return 'unmatched';
      const at = new Date();
      if (status === 'delivered') {
        if (!(await engagementRepo.markFirst(tx, m.id, 'delivered_at', at))) return 'unchanged';
        await engagementRepo.insertEvent(tx, { messageId: m.id, customerId: m.customer_id, type: 'delivered', at, data: { receipt: status } });
        if (m.customer_id) await this.activities.append(tx, [{ customerId: m.customer_id, type: 'SMS Delivered', source: 'messaging', occurredAt: at, properties: messageProps(m) }]);
        return 'applied';
      }
      if (m.delivered_at || (await engagementRepo.hasEvent(tx, m.id, 'failed'))) return 'unchanged';
      const detail = `${status}${error ? `: ${error.slice(0, 500)}` : ''}`;
      await tx.updateTable('messages').set({ status: 'failed', last_error: `Carrier receipt: ${detail}` }).where('id', '=', m.id).execute();
      await engagementRepo.insertEvent(tx, { messageId: m.id, customerId: m.customer_id, type: 'failed', at, data: { receipt: status, error: error ?? null } });
      if (m.customer_id) await this.activities.append(tx, [{ customerId: m.customer_id, type: 'SMS Failed', source: 'messaging', occurredAt: at, properties: { ...messageProps(m), status, error } }]);
      return 'applied';
    });
  }
}

function describe(e: InboundEvent): string {
  const parts = e.status && e.reason?.includes(e.status) ? [e.reason] : [e.status, e.reason];
  return parts.filter(Boolean).join(' ').slice(0, 500) || `${e.type} (${e.provider})`;
}
