import { sql } from 'kysely';
import type { Activity, BatchListener } from '../../platform/activities/activities.ts';
import type { Db, Executor } from '../../platform/db/db.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import type { RoiProvider, RoiRow } from '../analytics/index.ts';
import { isUuid } from './bounces.parse.ts';
import type {} from './engagement.tables.ts';
import { engagementSettings } from './engagement.settings.ts';
import { messagingSettings } from './messaging.settings.ts';

export interface OrderTouchInput {
  orderId: string;
  customerId: string;
  at: Date;
  revenueMinor: number;
  currency: string;
}

function orderOf(a: Activity): OrderTouchInput | null {
  const p = a.properties;
  if (!isUuid(p.patron_order_id)) return null;
  const total = Number(p.total_minor);
  return { orderId: p.patron_order_id, customerId: a.customerId, at: a.occurredAt, revenueMinor: Number.isFinite(total) ? Math.round(total) : 0, currency: typeof p.currency === 'string' ? p.currency : 'USD' };
}

/**
 * Last-touch attribution (docs/messaging.md, "Attribution"): an order is credited to the message the
 * customer last clicked within N days before it (guardrails.attributionClickDays, default 5), else the
 * one they last opened within D days (attributionOpenDays, default 1). Machine opens and clicks, test
 * sends and system mail never count. One row per order; running it again changes nothing.
 */
export class Attribution {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  /** Activities listener: Order Completed attributes, Order Cancelled withdraws the credit. */
  readonly onActivities: BatchListener = async (tx, activities) => {
    const completed = activities.filter((a) => a.type === 'Order Completed').map(orderOf).filter((o): o is OrderTouchInput => !!o);
    if (completed.length) await this.attribute(tx, completed);
    const cancelled = activities.filter((a) => a.type === 'Order Cancelled').map(orderOf).filter((o): o is OrderTouchInput => !!o);
    if (cancelled.length) await tx.deleteFrom('message_attributions').where('order_id', 'in', cancelled.map((o) => o.orderId)).execute();
  };

  /** Attributes orders (set-based: an import appends thousands at once); returns how many were credited. */
  async attribute(db: Executor, orders: OrderTouchInput[]): Promise<number> {
    if (!orders.length) return 0;
    const g = await messagingSettings.guardrails(db);
    const col = <K extends keyof OrderTouchInput>(k: K) => orders.map((o) => o[k]);
    const r = await sql`
      insert into message_attributions (order_id, message_id, customer_id, campaign_id, flow_id, flow_step_id, variant, touch, touched_at, revenue_minor, currency, ordered_at)
      select o.order_id, m.id, o.customer_id, m.campaign_id, m.flow_id, m.flow_step_id, m.variant, t.touch, t.occurred_at, o.revenue, o.currency, o.at
      from unnest(${col('orderId')}::uuid[], ${col('customerId')}::uuid[], ${orders.map((o) => o.at.toISOString())}::timestamptz[], ${col('revenueMinor')}::bigint[], ${col('currency')}::text[])
        as o(order_id, customer_id, at, revenue, currency)
      cross join lateral (
        select x.message_id, x.touch, x.occurred_at from (
          (select e.message_id, 'click' as touch, e.occurred_at, 1 as rank from message_events e
            where e.customer_id = o.customer_id and e.type = 'clicked' and not e.is_bot
              and e.occurred_at <= o.at and e.occurred_at > o.at - make_interval(days => ${g.attributionClickDays})
            order by e.occurred_at desc limit 1)
          union all
          (select e.message_id, 'open', e.occurred_at, 2 from message_events e
            where e.customer_id = o.customer_id and e.type = 'opened' and not e.is_bot
              and e.occurred_at <= o.at and e.occurred_at > o.at - make_interval(days => ${g.attributionOpenDays})
            order by e.occurred_at desc limit 1)
        ) x order by x.rank limit 1
      ) t
      join messages m on m.id = t.message_id and m.purpose not in ('test', 'system') and m.to_override is null
      where exists (select 1 from orders where id = o.order_id and status <> 'cancelled')
      on conflict (order_id) do nothing`.execute(db);
    return Number(r.numAffectedRows ?? 0);
  }
}

/**
 * Revenue per campaign and flow for the analytics dashboard's ROI table: attributed orders placed
 * between `from` and `to` (dates, inclusive, in the store's time zone) in the store currency, and how
 * many. Cost is what was sent in the same days times the per-message cost in the engagement settings
 * (0 unless set).
 */
export class MessagingRoi implements RoiProvider {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  async roi(from: string, to: string): Promise<RoiRow[]> {
    const [{ timeZone, currency }, s] = await Promise.all([getStoreSettings(this.db), engagementSettings.get(this.db)]);
    const start = sql`(${from}::date::timestamp at time zone ${timeZone})`;
    const end = sql`((${to}::date + 1)::timestamp at time zone ${timeZone})`;
    // Orders in the store currency only, as everywhere on the dashboard (amounts in two currencies do not add up).
    const rows = await sql<{ id: string; name: string | null; kind: 'campaign' | 'flow'; revenue: number; orders: number; emails: number; sms: number }>`
      with rev as (
        select coalesce(campaign_id, flow_id) as id, case when campaign_id is not null then 'campaign' else 'flow' end as kind, sum(revenue_minor)::bigint as revenue, count(*)::int as orders
        from message_attributions where ordered_at >= ${start} and ordered_at < ${end} and currency = ${currency} and (campaign_id is not null or flow_id is not null)
        group by 1, 2
      ), sent as (
        select coalesce(campaign_id, flow_id) as id, case when campaign_id is not null then 'campaign' else 'flow' end as kind,
          (count(*) filter (where channel = 'email'))::int as emails, (count(*) filter (where channel = 'sms'))::int as sms
        from messages where status = 'sent' and purpose in ('campaign', 'flow') and sent_at >= ${start} and sent_at < ${end} and (campaign_id is not null or flow_id is not null)
        group by 1, 2
      )
      select k.id, k.kind, coalesce(c.name, f.name) as name, coalesce(rev.revenue, 0) as revenue, coalesce(rev.orders, 0) as orders, coalesce(sent.emails, 0) as emails, coalesce(sent.sms, 0) as sms
      from (select id, kind from rev union select id, kind from sent) k
      left join rev on rev.id = k.id and rev.kind = k.kind
      left join sent on sent.id = k.id and sent.kind = k.kind
      left join campaigns c on k.kind = 'campaign' and c.id = k.id
      left join flows f on k.kind = 'flow' and f.id = k.id
      order by revenue desc, name`.execute(this.db);
    return rows.rows.map((r) => ({
      id: r.id, kind: r.kind, name: r.name ?? `${r.kind === 'campaign' ? 'Campaign' : 'Flow'} ${r.id.slice(0, 8)} (deleted)`, deleted: r.name === null,
      revenue: Number(r.revenue), orders: r.orders, cost: r.emails * s.costPerEmailMinor + r.sms * s.costPerSmsMinor,
    }));
  }

  /** The attribution windows (Guardrails), for the dashboard to say which orders count. */
  async attributionWindow(): Promise<{ clickDays: number; openDays: number }> {
    const g = await messagingSettings.guardrails(this.db);
    return { clickDays: g.attributionClickDays, openDays: g.attributionOpenDays };
  }
}
