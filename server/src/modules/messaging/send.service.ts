import { sql } from 'kysely';
import type { Executor, Tx } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import type { Channel, MessageKind } from './messaging.tables.ts';
import type { SendRequest, SentListener } from './send.types.ts';

/**
 * The one way to send a message: callers (campaigns, flows, test sends, transactional mail) enqueue
 * inside their own transaction; the dispatcher sends later. A request's dedupe key makes it
 * at-most-once, whatever retries happen upstream.
 */
export class MessageSender {
  private readonly sentListeners: SentListener[] = [];
  /** Called after rows are enqueued, so an idle dispatcher wakes at once instead of at its next poll. */
  wake: () => void = () => {};

  /** Enqueues one message; `created` is false when its dedupe key was already used (nothing changes). */
  async enqueue(tx: Executor, req: SendRequest): Promise<{ id: string; created: boolean }> {
    const id = newId();
    const r = await tx.insertInto('messages').values(row(id, req)).onConflict((oc) => oc.column('dedupe_key').doNothing()).returning('id').executeTakeFirst();
    if (r) {
      this.wake();
      return { id: r.id, created: true };
    }
    const existing = await tx.selectFrom('messages').select('id').where('dedupe_key', '=', req.dedupeKey).executeTakeFirstOrThrow();
    return { id: existing.id, created: false };
  }

  /** Enqueues many at once (campaign audiences); returns how many were new. */
  async enqueueMany(tx: Executor, reqs: SendRequest[]): Promise<number> {
    let created = 0;
    // ~40 columns a row: 1,000 rows stay well under Postgres's 65,535 bind parameters.
    for (let i = 0; i < reqs.length; i += 1000) {
      const chunk = reqs.slice(i, i + 1000);
      const r = await tx.insertInto('messages').values(chunk.map((q) => row(newId(), q))).onConflict((oc) => oc.column('dedupe_key').doNothing()).executeTakeFirst();
      created += Number(r.numInsertedOrUpdatedRows ?? 0);
    }
    if (created) this.wake();
    return created;
  }

  /**
   * Cancels messages not yet taken by a dispatcher. With `kind` / `channel`, only those (an email
   * unsubscribe cancels queued marketing email, not a receipt the customer expects, nor an SMS).
   */
  async cancel(tx: Executor, where: { campaignId?: string; flowRunId?: string; customerId?: string; kind?: MessageKind; channel?: Channel }): Promise<number> {
    if (!where.campaignId && !where.flowRunId && !where.customerId) throw new Error('cancel needs a campaign, flow run or customer');
    let q = tx.updateTable('messages').set({ status: 'cancelled' }).where('status', '=', 'queued');
    if (where.campaignId) q = q.where('campaign_id', '=', where.campaignId);
    if (where.flowRunId) q = q.where('flow_run_id', '=', where.flowRunId);
    if (where.customerId) q = q.where('customer_id', '=', where.customerId);
    if (where.kind) q = q.where('kind', '=', where.kind);
    if (where.channel) q = q.where('channel', '=', where.channel);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Listeners run in the transaction that records sent messages. */
  onSent(listener: SentListener): void {
    this.sentListeners.push(listener);
  }

  /** @internal The dispatcher calls this. */
  async notifySent(tx: Tx, rows: Parameters<SentListener>[1]): Promise<void> {
    for (const l of this.sentListeners) await l(tx, rows);
  }

  /** A merged profile's messages follow it to the survivor (reports and attribution stay whole). */
  async onMerge(tx: Tx, e: { survivorId: string; mergedId: string }): Promise<Record<string, number>> {
    const m = await sql`update messages set customer_id = ${e.survivorId} where customer_id = ${e.mergedId}`.execute(tx);
    await sql`update message_events set customer_id = ${e.survivorId} where customer_id = ${e.mergedId}`.execute(tx);
    await sql`delete from email_preferences p where customer_id = ${e.mergedId} and exists (select 1 from email_preferences s where s.customer_id = ${e.survivorId})`.execute(tx);
    await sql`update email_preferences set customer_id = ${e.survivorId} where customer_id = ${e.mergedId}`.execute(tx);
    return { messages: Number(m.numAffectedRows ?? 0) };
  }
}

function row(id: string, q: SendRequest) {
  return {
    id,
    customer_id: q.customerId,
    channel: q.channel,
    kind: q.kind,
    purpose: q.purpose,
    dedupe_key: q.dedupeKey,
    status: 'queued' as const,
    skip_reason: null,
    send_after: q.sendAfter ?? new Date(),
    template_id: q.templateId,
    template_version: q.templateVersion ?? null,
    sender_id: q.senderId ?? null,
    campaign_id: q.campaignId ?? null,
    variant: q.variant ?? null,
    flow_id: q.flowId ?? null,
    flow_version: q.flowVersion ?? null,
    flow_run_id: q.flowRunId ?? null,
    flow_step_id: q.flowStepId ?? null,
    vars: JSON.stringify(q.vars ?? {}),
    overrides: JSON.stringify(q.overrides ?? {}),
    to_override: q.toOverride ?? null,
    topic: q.topic ?? null,
    last_error: null,
    claimed_at: null,
    transport: null,
    to_address: null,
    from_address: null,
    subject: null,
    html: null,
    text_body: null,
    headers: null,
    provider_id: null,
    sent_at: null,
    delivered_at: null,
    opened_at: null,
    clicked_at: null,
    bounced_at: null,
    bounce_type: null,
    complained_at: null,
    unsubscribed_at: null,
  };
}
