import fs from 'node:fs';
import path from 'node:path';
import { sql, type RawBuilder } from 'kysely';
import { buildPatron } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { CLI_ACTOR } from '../server/src/platform/audit/audit.ts';
import type { Db } from '../server/src/platform/db/db.ts';
import { createLogger } from '../server/src/platform/log.ts';
import { generateStore } from '../server/src/demo/synthetic.ts';
import type { Dashboard, KpiSet } from '../server/src/modules/analytics/analytics.schemas.ts';
import { fmt, type Bench } from './lib.ts';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Hand-written SQL on the source tables for each figure of [from, to] (the best plain query we could
 * write: indexes where they exist, customers.first_order_at for "new"), to set beside the dashboard's.
 */
function handWritten(tz: string, cur: string, from: string, to: string): { figure: keyof KpiSet; q: RawBuilder<{ v: number | null }> }[] {
  const lo = sql`(${from}::date::timestamp at time zone ${tz})`;
  const hi = sql`(${addDays(to, 1)}::date::timestamp at time zone ${tz})`;
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
  const plo = sql`(${addDays(from, -days)}::date::timestamp at time zone ${tz})`;
  const counted = sql`status <> 'cancelled' and currency = ${cur}`;
  const inW = sql`placed_at >= ${lo} and placed_at < ${hi} and ${counted}`;
  const refunds = sql`select coalesce(sum(x.amount), 0) from refunds x left join orders o on o.id = x.order_id
    where x.refunded_at >= ${lo} and x.refunded_at < ${hi} and x.currency = ${cur} and (o.id is null or o.status <> 'cancelled')`;
  const perCustomer = sql`select o.customer_id, count(*) as n, sum(o.total) as rev, c.first_order_at from orders o join customers c on c.id = o.customer_id
    where o.placed_at >= ${lo} and o.placed_at < ${hi} and o.status <> 'cancelled' and o.currency = ${cur} group by o.customer_id, c.first_order_at`;
  const q = (figure: keyof KpiSet, body: RawBuilder<unknown>) => ({ figure, q: sql<{ v: number | null }>`select (${body})::float8 as v` });
  return [
    q('grossRevenue', sql`select coalesce(sum(total), 0) from orders where ${inW}`),
    q('orders', sql`select count(*) from orders where ${inW}`),
    q('aov', sql`select round(sum(total)::numeric / nullif(count(*), 0)) from orders where ${inW}`),
    q('refunds', refunds),
    q('netRevenue', sql`(select coalesce(sum(total), 0) from orders where ${inW}) - (${refunds})`),
    q('customers', sql`select count(distinct customer_id) from orders where ${inW} and customer_id is not null`),
    q('newCustomers', sql`select count(*) from customers where first_order_at >= ${lo} and first_order_at < ${hi}`),
    q('newCustomerRevenue', sql`select coalesce(sum(rev), 0) from (${perCustomer}) w where first_order_at >= ${lo}`),
    q('repeatCustomers', sql`select count(*) from (${perCustomer}) w where first_order_at < ${lo} or n >= 2`),
    q('purchaseFrequency', sql`select sum(n)::numeric / nullif(count(*), 0) from (${perCustomer}) w`),
    q('churnedCustomers', sql`select count(*) from (select distinct customer_id from orders where placed_at >= ${plo} and placed_at < ${lo} and ${counted} and customer_id is not null) p
      where not exists (select 1 from orders o where o.customer_id = p.customer_id and o.placed_at >= ${lo} and o.placed_at < ${hi} and o.status <> 'cancelled' and o.currency = ${cur})`),
    q('cartAbandonmentRate', sql`select count(*) filter (where not (status = 'converted' or order_id is not null))::numeric / nullif(count(*), 0) from carts where checkout_started_at >= ${lo} and checkout_started_at < ${hi}`),
    q('conversionRate', sql`select count(*) filter (where ordered)::numeric / nullif(count(*), 0) from (
      select a.customer_id, coalesce(a.context->>'sessionId', a.properties->>'session_id') as sid, min(a.occurred_at) as started, bool_or(a.type = 'Order Completed') as ordered
      from activities a where a.context ? 'sessionId' or a.properties ? 'session_id' group by 1, 2) s where started >= ${lo} and started < ${hi}`),
    q('clv', sql`select round(((select sum(total) from orders where placed_at < ${hi} and customer_id is not null and ${counted})
      - (select coalesce(sum(x.amount), 0) from refunds x left join orders o on o.id = x.order_id where x.refunded_at < ${hi} and x.customer_id is not null and x.currency = ${cur} and (o.id is null or o.status <> 'cancelled')))::numeric
      / nullif((select count(*) from customers where first_order_at < ${hi}), 0))`),
    q('cac', sql`select round((select sum(round(amount * (least(${to}::date, (month + interval '1 month' - interval '1 day')::date) - greatest(${from}::date, month) + 1)::numeric
        / ((month + interval '1 month')::date - month))) from marketing_spend where month <= ${to}::date and month + interval '1 month' > ${from}::date)
      / nullif((select count(*) from customers where first_order_at >= ${lo} and first_order_at < ${hi}), 0))`),
  ];
}

async function timeIt<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

/** The dashboard (every KPI, with the previous period) for one-year ranges over a synthetic store of ≥ 1M orders. */
export const bench: Bench = {
  name: 'analytics',
  description: 'Analytics dashboard (all KPIs + previous period) for one-year ranges at --customers N (default 500,000: 1.4M orders), beside hand-written SQL per figure',
  async run(opts) {
    const n = Number(opts.flags.customers ?? 500_000);
    const dir = path.resolve(`.bench-data/analytics-${n}`);
    fs.mkdirSync(dir, { recursive: true });
    const config = { ...loadConfig({ ...process.env, PATRON_DATA_DIR: dir, PATRON_LOG_LEVEL: 'warn' }), port: 0, poolSize: 10 };
    const patron = await buildPatron(config, createLogger('warn', false), { http: true, worker: false, role: 'owner' });
    const notes: string[] = [];
    const rows: Record<string, string | number>[] = [];
    try {
      const db: Db = patron.dbh.db;
      const rollups = patron.modules.analytics.rollups;
      const have = Number((await sql<{ n: number }>`select count(*)::int as n from customers where source = 'synthetic'`.execute(db)).rows[0]?.n ?? 0);
      if (have < n) {
        if (have > 0) throw new Error(`${dir} holds ${have} synthetic customers; delete it to regenerate ${n}`);
        const g = await generateStore(db, { customers: n, seed: 42, log: (m) => console.log(`  generating ${m}…`) });
        notes.push(`generated ${fmt(g.customers)} customers, ${fmt(g.orders)} orders, ${fmt(g.carts)} carts in ${g.seconds.toFixed(0)} s`);
        for (const [channel, amount] of [['google', 4_500_000], ['facebook', 3_000_000], ['newsletter', 250_000]] as const) {
          await sql`insert into marketing_spend (id, channel, month, amount, currency)
            select gen_random_uuid(), ${channel}, m::date, ${amount}, 'GBP' from generate_series('2024-10-01'::date, '2026-10-01'::date, interval '1 month') m`.execute(db);
        }
        const r = await rollups.refresh({ rebuild: true, lockTimeoutMs: 600_000 });
        notes.push(`rollups built from scratch in ${(r.ms / 1000).toFixed(1)} s`);
      } else {
        await rollups.ensureFresh();
      }
      const size = (await sql<{ orders: number; carts: number; first: string; last: string }>`
        select (select count(*) from orders)::int as orders, (select count(*) from carts)::int as carts,
          (select min(day)::text from analytics_days where customer_orders > 0) as first, (select max(day)::text from analytics_days where customer_orders > 0) as last`.execute(db)).rows[0]!;
      notes.push(`store: ${fmt(size.orders)} orders, ${fmt(size.carts)} checkouts, ${size.first} … ${size.last}`);
      if (size.orders < 1_000_000) notes.push(`WARNING: fewer than 1M orders; pass a larger --customers`);

      const { key } = await patron.modules.users.service.createApiKey(CLI_ACTOR, { name: 'bench', kind: 'secret', scopes: ['analytics:read'] });
      const url = await patron.http!.listen({ port: 0, host: '127.0.0.1' });
      const get = async (from: string, to: string) => {
        const res = await fetch(`${url}/api/analytics/dashboard?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${key}` } });
        if (!res.ok) throw new Error(`dashboard failed: ${res.status} ${await res.text()}`);
        return (await res.json()) as Dashboard;
      };
      // One-year ranges ending on 40 different days of the data's last year (none of them month-aligned on purpose).
      const ranges = Array.from({ length: 40 }, (_, i) => {
        const to = addDays(size.last, -i * 9);
        return { from: addDays(to, -364), to };
      });
      const cold: number[] = [];
      for (const r of ranges.slice(0, 10)) cold.push((await timeIt(() => get(r.from, r.to))).ms);
      const times: number[] = [];
      for (let pass = 0; pass < 3; pass++) for (const r of ranges) times.push((await timeIt(() => get(r.from, r.to))).ms);
      const p95 = pct(times, 95);
      notes.push(`first requests (cold cache): p95 ${fmt(pct(cold, 95), 1)} ms`);
      notes.push(`dashboard, one-year range, all KPIs + previous period, over HTTP: p50 ${fmt(pct(times, 50), 1)} ms, p95 ${fmt(p95, 1)} ms, max ${fmt(Math.max(...times), 1)} ms (${times.length} requests; target p95 < 300 ms): ${p95 < 300 ? 'met' : 'MISSED'}`);

      // Each figure beside hand-written SQL over the source tables, for the latest one-year range.
      const r = ranges[0]!;
      const d = await get(r.from, r.to);
      let sqlTotal = 0;
      for (const h of handWritten(d.timeZone, d.currency, r.from, r.to)) {
        const t = await timeIt(() => h.q.execute(db));
        sqlTotal += t.ms;
        const mine = d.current[h.figure];
        const theirs = t.value.rows[0]?.v ?? null;
        const same = mine === null || theirs === null ? mine === theirs : Math.abs(mine - theirs) < 1e-9 * Math.max(1, Math.abs(mine));
        rows.push({ figure: h.figure, dashboard: mine === null ? '—' : fmt(mine, Number.isInteger(mine) ? 0 : 4), 'hand-written SQL': theirs === null ? '—' : fmt(theirs, Number.isInteger(theirs) ? 0 : 4), same: same ? 'yes' : 'NO', 'SQL ms': fmt(t.ms, 1) });
      }
      notes.push(`hand-written SQL for this period's figures alone: ${fmt(sqlTotal, 0)} ms in all (the dashboard also computes the previous period, churn and CLV of both, in p50 ${fmt(pct(times, 50), 1)} ms)`);

      // Keeping up: 200 orders written the normal way, then the next dashboard read applies them.
      const sample = (await sql<{ id: string }>`select id from customers where source = 'synthetic' order by md5(id::text) limit 200`.execute(db)).rows;
      const placed = new Date(Date.parse(`${size.last}T12:00:00Z`));
      const w = await timeIt(async () => {
        for (const [i, c] of sample.entries()) {
          await patron.modules.commerce.service.upsertOrder(CLI_ACTOR, {
            source: 'bench', externalId: `bench-${Date.now()}-${i}`, currency: d.currency, placedAt: placed, status: 'completed', discountTotal: 0, taxTotal: 0, shippingTotal: 0,
            discountCodes: [], lines: [{ title: 'Bench item', quantity: 1, unitPrice: 1234 }],
          }, { customerId: c.id });
        }
      });
      const inc = await timeIt(() => rollups.ensureFresh());
      const after = await get(r.from, r.to);
      const check = (await handWritten(d.timeZone, d.currency, r.from, r.to)[1]!.q.execute(db)).rows[0]!.v;
      notes.push(`200 orders written through CommerceService in ${fmt(w.ms, 0)} ms; the next read applied them in ${fmt(inc.ms, 0)} ms (${inc.value.customers} customers recomputed); orders now ${fmt(after.current.orders)} = hand-written SQL ${fmt(check ?? 0)}: ${after.current.orders === check ? 'exact' : 'MISMATCH'}`);
      return { rows, notes };
    } finally {
      await patron.close();
    }
  },
};
