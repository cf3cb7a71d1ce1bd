import { sql } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import { hasAttributions } from './campaigns.repo.ts';
import type { Performance, Report } from './campaigns.schemas.ts';
import type { CampaignRow } from './campaigns.tables.ts';
import type { AbTest } from './campaigns.schemas.ts';

/**
 * Campaign reports: SQL over messages (status and first engagement of each), message_events
 * (machine opens and clicks excluded, links) and message_attributions (orders and revenue).
 */

/**
 * Opens and clicks by people: the engagement part sets `opened_at` / `clicked_at` only from events
 * not flagged as machines (scanners, prefetch), and recomputes them when events are reclassified.
 */
export const HUMAN_OPEN = sql<boolean>`m.opened_at is not null`;
export const HUMAN_CLICK = sql<boolean>`m.clicked_at is not null`;

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

interface Tally {
  variant: string;
  queued: number;
  sending: number;
  sent: number;
  failed: number;
  cancelled: number;
  skipped: number;
  delivered: number;
  bounced: number;
  opened: number;
  clicked: number;
  unsubscribed: number;
  complained: number;
}

/** Per-variant tallies of a campaign's messages ('' = no variant). */
export async function tallies(db: Executor, campaignId: string): Promise<Tally[]> {
  return (await sql<Tally>`
    select coalesce(m.variant, '') as variant,
      (count(*) filter (where m.status = 'queued'))::int as queued,
      (count(*) filter (where m.status in ('sending', 'uncertain')))::int as sending,
      (count(*) filter (where m.status = 'sent'))::int as sent,
      (count(*) filter (where m.status = 'failed'))::int as failed,
      (count(*) filter (where m.status = 'cancelled'))::int as cancelled,
      (count(*) filter (where m.status = 'skipped'))::int as skipped,
      (count(*) filter (where m.delivered_at is not null))::int as delivered,
      (count(*) filter (where m.bounced_at is not null))::int as bounced,
      (count(*) filter (where ${HUMAN_OPEN}))::int as opened,
      (count(*) filter (where ${HUMAN_CLICK}))::int as clicked,
      (count(*) filter (where m.unsubscribed_at is not null))::int as unsubscribed,
      (count(*) filter (where m.complained_at is not null))::int as complained
    from messages m where m.campaign_id = ${campaignId}::uuid
    group by 1`.execute(db)).rows;
}

/** Attributed orders and revenue per variant and currency. */
async function attributions(db: Executor, campaignId: string): Promise<{ variant: string; currency: string; orders: number; revenue: number }[]> {
  if (!(await hasAttributions(db))) return [];
  return (await sql<{ variant: string; currency: string; orders: number; revenue: number }>`
    select coalesce(variant, '') as variant, currency, count(distinct order_id)::int as orders, coalesce(sum(revenue_minor), 0)::bigint as revenue
    from message_attributions where campaign_id = ${campaignId}::uuid group by 1, 2`.execute(db)).rows;
}

/** Per-variant results for choosing an A/B winner. */
export async function variantResults(db: Executor, campaignId: string, currency: string) {
  const [t, a] = await Promise.all([tallies(db, campaignId), attributions(db, campaignId)]);
  const rev = (v: string) => a.filter((x) => x.variant === v && x.currency === currency).reduce((s, x) => s + x.revenue, 0);
  return t.map((x) => ({ key: x.variant, sent: x.sent, opened: x.opened, clicked: x.clicked, revenueMinor: rev(x.variant) }));
}

export async function buildReport(db: Executor, c: CampaignRow, currency: string, storeZone: string): Promise<Report> {
  const id = c.id;
  const [t, attr, skipped, recipients, links, attributionAvailable] = await Promise.all([
    tallies(db, id),
    attributions(db, id),
    sql<{ reason: string; count: number }>`select coalesce(skip_reason, 'unknown') as reason, count(*)::int as count from messages
      where campaign_id = ${id}::uuid and status = 'skipped' group by 1 order by 2 desc`.execute(db),
    sql<{ variant: string; n: number }>`select coalesce(variant, '') as variant, count(*)::int as n from campaign_recipients where campaign_id = ${id}::uuid group by 1`.execute(db),
    sql<{ url: string; clicks: number; uniqueClickers: number }>`
      select e.url, count(*)::int as clicks, count(distinct e.message_id)::int as "uniqueClickers"
      from message_events e join messages m on m.id = e.message_id
      where m.campaign_id = ${id}::uuid and e.type = 'clicked' and not e.is_bot and e.url is not null
      group by e.url order by 2 desc, 1 limit 50`.execute(db),
    hasAttributions(db),
  ]);
  const sum = (rows: Tally[], k: keyof Omit<Tally, 'variant'>) => rows.reduce((s, r) => s + r[k], 0);
  const block = (rows: Tally[], variant: string | null) => {
    const a = attr.filter((x) => variant === null || x.variant === variant);
    const sent = sum(rows, 'sent');
    const delivered = sum(rows, 'delivered');
    // Without delivery receipts (plain SMTP, the outbox) rates are per message sent.
    const base = delivered > 0 ? delivered : sent;
    const orders = a.reduce((s, x) => s + x.orders, 0);
    const opened = sum(rows, 'opened');
    const clicked = sum(rows, 'clicked');
    return {
      recipients: recipients.rows.filter((r) => variant === null || r.variant === variant).reduce((s, r) => s + r.n, 0),
      sent, delivered, bounced: sum(rows, 'bounced'), opened, clicked, unsubscribed: sum(rows, 'unsubscribed'), complained: sum(rows, 'complained'),
      orders, revenueMinor: a.filter((x) => x.currency === currency).reduce((s, x) => s + x.revenue, 0),
      openRate: ratio(opened, base), clickRate: ratio(clicked, base), conversionRate: ratio(orders, base),
    };
  };
  const all = block(t, null);
  const base = all.delivered > 0 ? all.delivered : all.sent;
  const ab = c.ab_test as AbTest | null;
  const names = ab ? await templateNames(db, [c.template_id, ...ab.variants.map((v) => v.templateId ?? null)]) : new Map<string, string>();
  const others = new Map<string, number>();
  for (const x of attr) if (x.currency !== currency) others.set(x.currency, (others.get(x.currency) ?? 0) + x.revenue);
  return {
    campaignId: id,
    currency,
    ...all,
    queued: sum(t, 'queued') + sum(t, 'sending'),
    failed: sum(t, 'failed'),
    cancelled: sum(t, 'cancelled'),
    skipped: sum(t, 'skipped'),
    skippedByReason: skipped.rows,
    otherCurrencies: [...others].map(([cur, revenueMinor]) => ({ currency: cur, revenueMinor })),
    rates: {
      delivery: ratio(all.delivered, all.sent), open: all.openRate, click: all.clickRate, clickToOpen: ratio(all.clicked, all.opened),
      bounce: ratio(all.bounced, all.sent), unsubscribe: ratio(all.unsubscribed, base), complaint: ratio(all.complained, base), conversion: all.conversionRate,
    },
    attributionAvailable,
    variants: (ab?.variants ?? []).map((v) => {
      const templateId = v.templateId ?? c.template_id;
      return { key: v.key, subject: v.subject ?? null, templateId, templateName: templateId ? (names.get(templateId) ?? null) : null, winner: c.winner === v.key, ...block(t.filter((x) => x.variant === v.key), v.key) };
    }),
    links: links.rows,
    timeline: await timeline(db, c, storeZone),
  };
}

async function templateNames(db: Executor, ids: (string | null)[]): Promise<Map<string, string>> {
  const want = [...new Set(ids.filter((x): x is string => !!x))];
  if (!want.length) return new Map();
  return new Map((await db.selectFrom('message_templates').select(['id', 'name']).where('id', 'in', want).execute()).map((r) => [r.id, r.name]));
}

/** Sends, first human opens and first human clicks per hour (first 3 days) or per store day (up to 90). */
async function timeline(db: Executor, c: CampaignRow, storeZone: string): Promise<Report['timeline']> {
  if (!c.started_at) return { bucket: 'hour', points: [] };
  const first = c.started_at;
  const last = await sql<{ last: Date | null }>`select greatest(max(sent_at), max(opened_at), max(clicked_at)) as last from messages where campaign_id = ${c.id}::uuid`.execute(db);
  const end = last.rows[0]?.last ?? first;
  const bucket = end.getTime() - first.getTime() <= 72 * 3600_000 ? 'hour' : 'day';
  const step = bucket === 'hour' ? sql`interval '1 hour'` : sql`interval '1 day'`;
  const cap = bucket === 'hour' ? 72 : 90;
  const trunc = (col: string) => sql`date_trunc(${bucket}, ${sql.ref(col)}, ${storeZone})`;
  const rows = await sql<{ at: Date; sent: number; opened: number; clicked: number }>`
    with b as (select generate_series(date_trunc(${bucket}, ${first}::timestamptz, ${storeZone}), date_trunc(${bucket}, ${end}::timestamptz, ${storeZone}), ${step}) as at limit ${cap}),
    m as (
      select ${trunc('sent_at')} as s, ${trunc('opened_at')} as o, ${trunc('clicked_at')} as k
      from messages where campaign_id = ${c.id}::uuid and sent_at is not null)
    select b.at,
      (select count(*) from m where m.s = b.at)::int as sent,
      (select count(*) from m where m.o = b.at)::int as opened,
      (select count(*) from m where m.k = b.at)::int as clicked
    from b order by b.at`.execute(db);
  return { bucket, points: rows.rows };
}

/** Sent campaigns with their conversion rate, oldest first (the bar chart). */
export async function performance(db: Executor, currency: string, limit: number): Promise<Performance> {
  const attribution = await hasAttributions(db);
  const attr = attribution
    ? sql`left join lateral (select count(distinct a.order_id)::int as orders, coalesce(sum(a.revenue_minor) filter (where a.currency = ${currency}), 0)::bigint as revenue
        from message_attributions a where a.campaign_id = c.id) a on true`
    : sql`left join lateral (select 0 as orders, 0::bigint as revenue) a on true`;
  const rows = await sql<{ id: string; name: string; started_at: Date | null; sent: number; delivered: number; orders: number; revenue: number }>`
    select * from (
      select c.id, c.name, c.started_at, m.sent, m.delivered, a.orders, a.revenue
      from campaigns c
      join lateral (select (count(*) filter (where status = 'sent'))::int as sent, (count(*) filter (where delivered_at is not null))::int as delivered
        from messages where campaign_id = c.id) m on true
      ${attr}
      where c.started_at is not null and m.sent > 0
      order by c.started_at desc limit ${limit}) x
    order by started_at`.execute(db);
  return {
    currency,
    items: rows.rows.map((r) => ({
      id: r.id, name: r.name, startedAt: r.started_at, sent: r.sent, delivered: r.delivered, orders: r.orders, revenueMinor: Number(r.revenue),
      conversionRate: ratio(r.orders, r.delivered > 0 ? r.delivered : r.sent),
    })),
  };
}

/** Headline numbers of many campaigns at once (the list). */
export async function listStats(db: Executor, ids: readonly string[]) {
  const out = new Map<string, { recipients: number; sent: number; opened: number; clicked: number; orders: number }>();
  if (!ids.length) return out;
  const orders = (await hasAttributions(db))
    ? sql`(select count(distinct a.order_id) from message_attributions a where a.campaign_id = x.id)::int`
    : sql`0`;
  const rows = await sql<{ id: string; recipients: number; sent: number; opened: number; clicked: number; orders: number }>`
    select x.id, (select count(*) from campaign_recipients r where r.campaign_id = x.id)::int as recipients,
      coalesce(s.sent, 0)::int as sent, coalesce(s.opened, 0)::int as opened, coalesce(s.clicked, 0)::int as clicked, ${orders} as orders
    from unnest(${[...ids]}::uuid[]) as x(id)
    left join lateral (
      select count(*) filter (where m.status = 'sent') as sent, count(*) filter (where ${HUMAN_OPEN}) as opened, count(*) filter (where ${HUMAN_CLICK}) as clicked
      from messages m where m.campaign_id = x.id
    ) s on true`.execute(db);
  for (const r of rows.rows) out.set(r.id, { recipients: r.recipients, sent: r.sent, opened: r.opened, clicked: r.clicked, orders: r.orders });
  return out;
}
