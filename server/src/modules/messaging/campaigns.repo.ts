import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import type { CampaignRow } from './campaigns.tables.ts';
import type { Estimate } from './campaigns.schemas.ts';
import type { Channel, MessageKind } from './messaging.tables.ts';

export interface AudienceSpec {
  include: readonly string[];
  exclude: readonly string[];
  channel: Channel;
  kind: MessageKind;
}

/**
 * The audience as SQL: members of any included segment, minus members of any excluded one, live
 * profiles only, each once (`flagged`); and who can be sent to (`sendable`): an address on the
 * channel, not suppressed, marketing consent for marketing, and one profile per address (two
 * unmerged profiles sharing an address must not get the message twice).
 */
function audienceCte(a: AudienceSpec): RawBuilder<unknown> {
  const addr = a.channel === 'email' ? sql`c.email` : sql`c.phone`;
  return sql`
    with inc as (
      select distinct customer_id from segment_members where segment_id = any(${[...a.include]}::uuid[])
    ), aud as (
      select c.id, c.time_zone, nullif(lower(btrim(${addr})), '') as address
      from inc join customers c on c.id = inc.customer_id
      where c.merged_into is null
        and not exists (select 1 from segment_members x where x.segment_id = any(${[...a.exclude]}::uuid[]) and x.customer_id = c.id)
    ), flagged as (
      select a.id, a.time_zone, a.address, coalesce(cc.status = 'subscribed', false) as consented,
        (a.address is not null and exists (select 1 from suppressions s where s.channel = ${a.channel} and s.address = a.address)) as suppressed
      from aud a left join customer_consents cc on cc.customer_id = a.id and cc.channel = ${a.channel}
    ), sendable as (
      select distinct on (address) id, time_zone from flagged
      where address is not null and not suppressed and (consented or ${a.kind} = 'transactional')
      order by address, consented desc, id
    )`;
}

/** SQL of campaigns (the only campaign code that touches tables). */
export const campaignsRepo = {
  async get(db: Executor, id: string, lock = false): Promise<CampaignRow | undefined> {
    let q = db.selectFrom('campaigns').selectAll().where('id', '=', id);
    if (lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async list(db: Executor, limit: number): Promise<CampaignRow[]> {
    return db.selectFrom('campaigns').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  },

  async estimate(db: Executor, a: AudienceSpec): Promise<Estimate> {
    const r = await sql<Estimate>`${audienceCte(a)}
      select count(*)::int as total, count(address)::int as "withAddress",
        (count(*) filter (where address is not null and consented))::int as consented,
        (count(*) filter (where suppressed))::int as suppressed,
        (select count(*) from sendable)::int as recipients
      from flagged`.execute(db);
    return r.rows[0]!;
  },

  /** The recipients to freeze, in id order. */
  async sendable(db: Executor, a: AudienceSpec): Promise<{ id: string; time_zone: string | null }[]> {
    return (await sql<{ id: string; time_zone: string | null }>`${audienceCte(a)} select id, time_zone from sendable order by id`.execute(db)).rows;
  },

  /** The distinct time zones in an audience (to start a local-time send before the earliest). */
  async zones(db: Executor, a: AudienceSpec): Promise<string[]> {
    return (await sql<{ z: string }>`${audienceCte(a)} select distinct time_zone as z from sendable where time_zone is not null limit 1000`.execute(db)).rows.map((r) => r.z);
  },

  async existingSegments(db: Executor, ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    return new Set((await db.selectFrom('segments').select('id').where('id', 'in', [...ids]).execute()).map((r) => r.id));
  },

  async templates(db: Executor, ids: readonly string[]) {
    if (!ids.length) return new Map<string, { id: string; name: string; channel: Channel; kind: MessageKind; subject: string; archived_at: Date | null }>();
    const rows = await db.selectFrom('message_templates').select(['id', 'name', 'channel', 'kind', 'subject', 'archived_at']).where('id', 'in', [...ids]).execute();
    return new Map(rows.map((r) => [r.id, r]));
  },

  async senderExists(db: Executor, id: string): Promise<boolean> {
    return !!(await db.selectFrom('message_senders').select('id').where('id', '=', id).executeTakeFirst());
  },

  async insertRecipients(db: Executor, campaignId: string, rows: { customerId: string; variant: string | null; held: boolean; sendAfter: Date | null }[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 5000) {
      const c = rows.slice(i, i + 5000);
      await sql`insert into campaign_recipients (campaign_id, customer_id, variant, held, send_after)
        select ${campaignId}::uuid, u.customer_id, u.variant, u.held, u.send_after
        from unnest(${c.map((r) => r.customerId)}::uuid[], ${c.map((r) => r.variant)}::text[], ${c.map((r) => r.held)}::boolean[], ${c.map((r) => r.sendAfter)}::timestamptz[])
          as u(customer_id, variant, held, send_after)
        on conflict do nothing`.execute(db);
    }
  },

  /** Recipients to hand over after `after` (keyset by customer id). */
  async recipientsPage(db: Executor, campaignId: string, held: boolean, after: string | null, limit: number) {
    let q = db.selectFrom('campaign_recipients').select(['customer_id', 'variant', 'send_after']).where('campaign_id', '=', campaignId).where('held', '=', held);
    if (after) q = q.where('customer_id', '>', after);
    return q.orderBy('customer_id').limit(limit).execute();
  },

  async heldWithZones(db: Executor, campaignId: string): Promise<{ id: string; time_zone: string | null }[]> {
    return (await sql<{ id: string; time_zone: string | null }>`select r.customer_id as id, c.time_zone from campaign_recipients r join customers c on c.id = r.customer_id
      where r.campaign_id = ${campaignId}::uuid and r.held order by r.customer_id`.execute(db)).rows;
  },

  async releaseHeld(db: Executor, campaignId: string, plan: { customerId: string; sendAfter: Date }[], variant: string): Promise<void> {
    for (let i = 0; i < plan.length; i += 5000) {
      const c = plan.slice(i, i + 5000);
      await sql`update campaign_recipients r set held = false, variant = ${variant}, send_after = u.send_after
        from unnest(${c.map((p) => p.customerId)}::uuid[], ${c.map((p) => p.sendAfter)}::timestamptz[]) as u(customer_id, send_after)
        where r.campaign_id = ${campaignId}::uuid and r.customer_id = u.customer_id`.execute(db);
    }
  },

  async lastTestSendAt(db: Executor, campaignId: string): Promise<Date | null> {
    const r = await db.selectFrom('campaign_recipients').select((eb) => eb.fn.max('send_after').as('last')).where('campaign_id', '=', campaignId).where('held', '=', false).executeTakeFirst();
    return (r?.last as Date | null | undefined) ?? null;
  },

  /** Campaigns (all, or these) whose every message has left the queue become 'sent'. */
  async settle(db: Executor, ids?: readonly string[]): Promise<string[]> {
    const only = ids ? sql`and c.id = any(${[...ids]}::uuid[])` : sql``;
    const r = await sql<{ id: string }>`update campaigns c set status = 'sent', finished_at = now(), updated_at = now()
      where c.status = 'sending' and c.handed_over_at is not null ${only}
        and not exists (select 1 from messages m where m.campaign_id = c.id and m.status in ('queued', 'sending'))
      returning c.id`.execute(db);
    return r.rows.map((x) => x.id);
  },
};

/** Whether the engagement part's attribution table exists yet (migration 0016). */
export async function hasAttributions(db: Executor): Promise<boolean> {
  const r = await sql<{ t: string | null }>`select to_regclass('message_attributions')::text as t`.execute(db);
  return r.rows[0]?.t != null;
}
