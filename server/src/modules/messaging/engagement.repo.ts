import { sql } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import type {} from './engagement.tables.ts';
import type { Channel, MessageEventType, MessageRow } from './messaging.tables.ts';

/** The columns engagement needs of a message. */
export type TrackedMessage = Pick<MessageRow,
  'id' | 'customer_id' | 'channel' | 'kind' | 'purpose' | 'status' | 'campaign_id' | 'flow_id' | 'flow_step_id' | 'variant' | 'subject' | 'sent_at'
  | 'opened_at' | 'clicked_at' | 'delivered_at' | 'bounced_at' | 'bounce_type' | 'complained_at' | 'unsubscribed_at' | 'to_address' | 'to_override' | 'provider_id'>;

const COLUMNS = [
  'id', 'customer_id', 'channel', 'kind', 'purpose', 'status', 'campaign_id', 'flow_id', 'flow_step_id', 'variant', 'subject', 'sent_at',
  'opened_at', 'clicked_at', 'delivered_at', 'bounced_at', 'bounce_type', 'complained_at', 'unsubscribed_at', 'to_address', 'to_override', 'provider_id',
] as const;

export interface NewEvent {
  messageId: string;
  customerId: string | null;
  type: MessageEventType;
  at: Date;
  url?: string | null;
  isBot?: boolean;
  data?: Record<string, unknown>;
}

/** Activity properties that name a message (the same names as the dispatcher's `Email Sent`). */
export function messageProps(m: TrackedMessage): Record<string, unknown> {
  return {
    messageId: m.id, subject: m.subject ?? undefined, campaignId: m.campaign_id ?? undefined, flowId: m.flow_id ?? undefined,
    flowStepId: m.flow_step_id ?? undefined, variant: m.variant ?? undefined,
  };
}

/** SQL of engagement: events, first-touch timestamps, soft-bounce streaks, suppressions. */
export const engagementRepo = {
  async message(db: Executor, id: string, lock = false): Promise<TrackedMessage | undefined> {
    let q = db.selectFrom('messages').select(COLUMNS).where('id', '=', id);
    if (lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async html(db: Executor, id: string): Promise<{ html: string | null; subject: string | null; channel: Channel } | undefined> {
    return db.selectFrom('messages').select(['html', 'subject', 'channel']).where('id', '=', id).executeTakeFirst();
  },

  /** Messages a provider names by its own id (the SMTP Message-ID or an API id), with or without angle brackets. */
  async byProviderId(db: Executor, providerId: string): Promise<TrackedMessage | undefined> {
    const bare = providerId.trim().replace(/^<|>$/g, '');
    if (!bare) return undefined;
    return db.selectFrom('messages').select(COLUMNS).where('provider_id', 'in', [bare, `<${bare}>`]).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  },

  /** The last message sent to an address (provider events that carry only the recipient). */
  async lastSentTo(db: Executor, channel: Channel, address: string, before: Date): Promise<TrackedMessage | undefined> {
    return db.selectFrom('messages').select(COLUMNS)
      .where(sql<boolean>`lower(to_address) = ${address.trim().toLowerCase()}`).where('channel', '=', channel)
      .where('sent_at', 'is not', null).where('sent_at', '<=', before).where('sent_at', '>', new Date(before.getTime() - 30 * 86_400_000))
      .orderBy('sent_at', 'desc').limit(1).executeTakeFirst();
  },

  async insertEvent(db: Executor, e: NewEvent): Promise<string> {
    const id = newId();
    await db.insertInto('message_events').values({
      id, message_id: e.messageId, customer_id: e.customerId, type: e.type, occurred_at: e.at, url: e.url ?? null, is_bot: e.isBot ?? false, data: JSON.stringify(e.data ?? {}),
    }).execute();
    return id;
  },

  async hasEvent(db: Executor, messageId: string, type: MessageEventType, humanOnly = false): Promise<boolean> {
    let q = db.selectFrom('message_events').select('id').where('message_id', '=', messageId).where('type', '=', type);
    if (humanOnly) q = q.where('is_bot', '=', false);
    return !!(await q.limit(1).executeTakeFirst());
  },

  /** Sets a first-touch column if still empty; true when this call set it. */
  async markFirst(db: Executor, id: string, column: 'opened_at' | 'clicked_at' | 'delivered_at' | 'complained_at' | 'unsubscribed_at', at: Date): Promise<boolean> {
    const r = await db.updateTable('messages').set({ [column]: at }).where('id', '=', id).where(column, 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },

  /** The message's clicks in the last few seconds (link-scanner bursts). */
  async recentClicks(db: Executor, id: string, since: Date): Promise<{ url: string; at: Date }[]> {
    const rows = await db.selectFrom('message_events').select(['url', 'occurred_at']).where('message_id', '=', id).where('type', '=', 'clicked').where('occurred_at', '>=', since).execute();
    return rows.map((r) => ({ url: r.url ?? '', at: r.occurred_at }));
  },

  /**
   * Re-labels the human clicks (and the opens they implied) of a burst as a scanner's, and recomputes
   * the message's first open and click from what is left.
   */
  async flagBurst(db: Executor, id: string, since: Date): Promise<void> {
    await sql`update message_events set is_bot = true, data = data || '{"botReason":"link_burst"}'::jsonb
      where message_id = ${id} and not is_bot and occurred_at >= ${since} and (type = 'clicked' or (type = 'opened' and data->>'implied' = 'true'))`.execute(db);
    await sql`update messages set
        clicked_at = (select min(occurred_at) from message_events where message_id = ${id} and type = 'clicked' and not is_bot),
        opened_at = (select min(occurred_at) from message_events where message_id = ${id} and type = 'opened' and not is_bot)
      where id = ${id}`.execute(db);
  },

  /** Adds an address to the suppression list; false when it was already there (the first reason stays). */
  async suppress(db: Executor, s: { channel: Channel; address: string; reason: 'hard_bounce' | 'complaint' | 'manual' | 'invalid'; detail: string | null; source: string; customerId: string | null; createdBy: string }): Promise<boolean> {
    const r = await db.insertInto('suppressions').values({
      channel: s.channel, address: s.address.trim().toLowerCase(), reason: s.reason, detail: s.detail, source: s.source, customer_id: s.customerId, created_by: s.createdBy, created_at: new Date(),
    }).onConflict((oc) => oc.columns(['channel', 'address']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  },

  /** One more soft bounce for an address (a message counts once); returns the streak. */
  async softBounce(db: Executor, channel: Channel, address: string, messageId: string, at: Date): Promise<number> {
    const r = await sql<{ soft_count: number }>`
      insert into bounce_streaks (channel, address, soft_count, last_message_id, last_at) values (${channel}, ${address.trim().toLowerCase()}, 1, ${messageId}, ${at})
      on conflict (channel, address) do update set
        soft_count = bounce_streaks.soft_count + case when bounce_streaks.last_message_id is distinct from excluded.last_message_id then 1 else 0 end,
        last_message_id = excluded.last_message_id, last_at = excluded.last_at
      returning soft_count`.execute(db);
    return r.rows[0]!.soft_count;
  },

  /** A delivery or a human open ends a streak of soft bounces. */
  async resetStreak(db: Executor, channel: Channel, address: string | null): Promise<void> {
    if (!address) return;
    await db.deleteFrom('bounce_streaks').where('channel', '=', channel).where('address', '=', address.trim().toLowerCase()).execute();
  },

  /** Records a provider event id; false when it was seen before (a replayed webhook). */
  async claimInbound(db: Executor, provider: string, eventId: string, messageId: string | null, type: string): Promise<boolean> {
    const r = await db.insertInto('message_inbound_events').values({ provider, event_id: eventId.slice(0, 500), message_id: messageId, type, received_at: new Date() })
      .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  },
};
