import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Logger } from 'pino';
import type { Activity } from '../../platform/activities/activities.ts';
import { prepared, type Db, type Executor, type Tx } from '../../platform/db/db.ts';
import type { Database } from '../../platform/db/types.ts';
import { storeSettingsSchema } from '../../platform/settings.ts';
import { applyContributions, customerDays, customerInfo, DERIVED_TABLES, recomputeGuestDays, recomputeSalesDays, type Scope } from './analytics.rollup.ts';
import './analytics.tables.ts';

/** Activity types that change what the rollups count for a customer. */
const COUNTED_TYPES = new Set(['Order Completed', 'Order Updated', 'Order Cancelled', 'Order Refunded', 'Checkout Started', 'Profiles Merged']);
const LOCK_KEY = 0x616e616c; // 'anal'
const BATCH = 1000;

export interface RefreshResult {
  kind: 'none' | 'incremental' | 'rebuild';
  customers: number;
  guestDays: number;
  salesDays: number;
  ms: number;
}

interface Check {
  state: { time_zone: string; currency: string; built_at: Date; scan_from: Date } | null;
  store: unknown;
  demoFinishedAt: string | null;
  dirty: boolean;
  guests: boolean;
}

/** The UUIDv7 that sorts before every id made at or after a time (ids are UUIDv7: the first 48 bits are milliseconds). */
const v7floor = (ts: RawBuilder<unknown>) =>
  sql`(select (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-0000-0000-000000000000')::uuid from (select lpad(to_hex(floor(extract(epoch from ${ts}) * 1000)::bigint), 12, '0') as h) v)`;

/** Guest rows written since `from`: new orders and refunds (by id), changed checkouts (by updated_at). */
function guestChangedDays(s: Scope, from: Date): RawBuilder<{ day: string }> {
  const lo = v7floor(sql`${from}::timestamptz`);
  const hi = v7floor(sql`now() + interval '1 day'`);
  return sql<{ day: string }>`
    select (placed_at at time zone ${s.tz})::date as day from orders where id >= ${lo} and id < ${hi} and customer_id is null
    union select (refunded_at at time zone ${s.tz})::date from refunds where id >= ${lo} and id < ${hi} and customer_id is null
    union select (checkout_started_at at time zone ${s.tz})::date from carts where customer_id is null and updated_at >= ${from} and checkout_started_at is not null`;
}

/**
 * Keeps the analytics rollups current. Writers mark customers dirty in their own transaction (one
 * statement per batch of activities); a refresh (before each dashboard read, and every minute in the
 * worker) recomputes those customers' rows and applies the difference to the derived tables. Guests have
 * no activity stream: their new rows are found by id (UUIDv7 ids are time-ordered) and updated_at.
 * A rebuild recomputes everything (first run, store time zone or currency changed, demo loaded, nightly).
 */
export class Rollups {
  private readonly db: Db;
  private readonly log: Logger;

  constructor(db: Db, log: Logger) {
    this.db = db;
    this.log = log;
  }

  /** Activities batch listener: marks the customers these activities may change. */
  readonly onActivities = async (tx: Tx, activities: Activity[]): Promise<void> => {
    const bought = new Set<string>();
    const browsed = new Set<string>();
    for (const a of activities) {
      const ctx = a.context ?? {};
      if (COUNTED_TYPES.has(a.type)) {
        bought.add(a.customerId);
        if (a.type === 'Profiles Merged' && typeof a.properties.mergedId === 'string') bought.add(a.properties.mergedId);
      } else if ('sessionId' in ctx || 'session_id' in a.properties || typeof (ctx.campaign as { source?: unknown } | undefined)?.source === 'string') {
        browsed.add(a.customerId);
      }
    }
    for (const id of bought) browsed.delete(id);
    await this.markDirty(tx, [...bought], 'o');
    await this.markDirty(tx, [...browsed], 's');
  };

  /**
   * Marks customers whose rollup rows must be recomputed (append-only: never blocks another writer).
   * 'o': orders, refunds or checkouts changed (applied before the next read); 's': only sessions or
   * campaigns did (applied by the scheduled refresh, so busy tracking never slows a dashboard read).
   */
  async markDirty(tx: Executor, ids: string[], kind: 'o' | 's' = 'o'): Promise<void> {
    if (ids.length) await sql`${prepared('analytics.mark-dirty')}insert into analytics_dirty (customer_id, kind) select unnest(${ids}::uuid[]), ${kind}`.execute(tx);
  }

  private async check(db: Executor): Promise<Check> {
    const r = await sql<{ state: Check['state'] | null; store: unknown; demo: { status?: string; finishedAt?: string } | null; dirty: boolean }>`
      select (select to_jsonb(s) from analytics_state s) as state, (select value from settings where key = 'store') as store,
        (select value from settings where key = 'demo') as demo, exists (select 1 from analytics_dirty where kind = 'o') as dirty`.execute(db);
    const row = r.rows[0]!;
    const state = row.state ? { ...row.state, built_at: new Date(row.state.built_at), scan_from: new Date(row.state.scan_from) } : null;
    let guests = false;
    if (state) {
      const g = await sql<{ changed: boolean }>`select exists (${guestChangedDays({ tz: state.time_zone, currency: state.currency }, state.scan_from)}) as changed`.execute(db);
      guests = g.rows[0]!.changed;
    }
    return { state, store: row.store, demoFinishedAt: row.demo?.status === 'done' ? (row.demo.finishedAt ?? null) : null, dirty: row.dirty, guests };
  }

  private static plan(c: Check): { kind: RefreshResult['kind']; scope: Scope } {
    const settings = storeSettingsSchema.parse(c.store ?? {});
    const scope = { tz: settings.timeZone, currency: settings.currency };
    if (!c.state || c.state.time_zone !== scope.tz || c.state.currency !== scope.currency) return { kind: 'rebuild', scope };
    // The demo store is written with set-based SQL (no activity stream): count it once it is loaded.
    if (c.demoFinishedAt && new Date(c.demoFinishedAt) > c.state.built_at) return { kind: 'rebuild', scope };
    return { kind: c.dirty || c.guests ? 'incremental' : 'none', scope };
  }

  /** Brings the rollups up to date with everything committed (cheap when nothing changed). */
  async ensureFresh(): Promise<RefreshResult> {
    const plan = Rollups.plan(await this.check(this.db));
    if (plan.kind === 'none') return { kind: 'none', customers: 0, guestDays: 0, salesDays: 0, ms: 0 };
    return this.refresh({ ordersOnly: true });
  }

  /**
   * Runs a refresh under the analytics lock (one at a time across processes). `rebuild` recomputes
   * everything; `recentGuestDays` also recomputes guests' figures for the last N store days (the
   * scheduled refresh: catches in-place changes to guest orders, which leave no trace in the activity stream);
   * `ordersOnly` leaves customers marked for browsing alone to the scheduled refresh (a dashboard read).
   */
  async refresh(opts: { rebuild?: boolean; recentGuestDays?: number; lockTimeoutMs?: number; ordersOnly?: boolean } = {}): Promise<RefreshResult> {
    const started = performance.now();
    return this.db.connection().execute(async (conn) => {
      await sql`select set_config('lock_timeout', ${String(opts.lockTimeoutMs ?? 30_000)}, false)`.execute(conn);
      await sql`select pg_advisory_lock(${LOCK_KEY})`.execute(conn);
      try {
        const plan = Rollups.plan(await this.check(conn));
        // The scheduled refresh also applies browsing marks (which `check` does not count).
        const kind = opts.rebuild ? 'rebuild' : plan.kind === 'none' && !opts.ordersOnly ? 'incremental' : plan.kind;
        if (kind === 'none') return { kind, customers: 0, guestDays: 0, salesDays: 0, ms: performance.now() - started };
        // A rebuild reads every source table at one instant; an incremental pass needs only each statement to be consistent.
        await sql.raw(kind === 'rebuild' ? 'begin isolation level repeatable read' : 'begin').execute(conn);
        try {
          const res = kind === 'rebuild' ? await this.rebuild(conn, plan.scope) : await this.incremental(conn, plan.scope, opts.recentGuestDays ?? 0, !!opts.ordersOnly);
          await sql`commit`.execute(conn);
          const out = { kind, ...res, ms: performance.now() - started };
          if (kind === 'rebuild' || res.customers > 500) this.log.info(out, 'analytics rollups refreshed');
          return out;
        } catch (e) {
          await sql`rollback`.execute(conn);
          throw e;
        }
      } finally {
        await sql`select pg_advisory_unlock(${LOCK_KEY})`.execute(conn);
        await sql`reset lock_timeout`.execute(conn);
      }
    });
  }

  private async times(db: Executor): Promise<{ now: Date; scanFrom: Date }> {
    // Rows of transactions still open may carry times (ids, updated_at) older than now: the next scan starts before the oldest.
    const r = await sql<{ now: Date; oldest: Date | null }>`
      select clock_timestamp() as now, (select min(xact_start) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend' and xact_start is not null) as oldest`.execute(db);
    const { now, oldest } = r.rows[0]!;
    const from = oldest && oldest < now ? oldest : now;
    // A few seconds of slack for clocks: ids are made by the application, timestamps by the database.
    return { now, scanFrom: new Date(from.getTime() - 5_000) };
  }

  private async rebuild(db: Kysely<Database>, s: Scope): Promise<Omit<RefreshResult, 'kind' | 'ms'>> {
    const { now, scanFrom } = await this.times(db);
    for (const t of DERIVED_TABLES) await sql`delete from ${sql.table(t)}`.execute(db);
    await sql`insert into analytics_customer_days ${customerDays(s, { all: true })}`.execute(db);
    await sql`insert into analytics_customers ${customerInfo(s, { all: true })}`.execute(db);
    await applyContributions(db, sql`select 1 as sg, * from analytics_customer_days`, sql`select 1 as sg, * from analytics_customers`);
    await recomputeGuestDays(db, s, undefined);
    await recomputeSalesDays(db, s, undefined);
    // Marks written after this transaction's snapshot stay for the next refresh.
    await sql`delete from analytics_dirty`.execute(db);
    await this.saveState(db, s, { builtAt: now, scanFrom, now });
    for (const t of DERIVED_TABLES) await sql`analyze ${sql.table(t)}`.execute(db);
    const n = await sql<{ customers: number; days: number }>`select (select count(*) from analytics_customers)::int as customers, (select count(*) from analytics_days)::int as days`.execute(db);
    return { customers: n.rows[0]!.customers, guestDays: n.rows[0]!.days, salesDays: n.rows[0]!.days };
  }

  private async incremental(db: Kysely<Database>, s: Scope, recentGuestDays: number, ordersOnly: boolean): Promise<Omit<RefreshResult, 'kind' | 'ms'>> {
    const { now, scanFrom } = await this.times(db);
    const state = (await db.selectFrom('analytics_state').select('scan_from').executeTakeFirstOrThrow());
    const salesDays = new Set<string>();
    let customers = 0;
    for (let round = 0; round < 1000; round++) {
      const marks = await sql<{ id: number; customer_id: string }>`
        select id, customer_id from analytics_dirty ${ordersOnly ? sql`where kind = 'o'` : sql``} order by id limit 20000`.execute(db);
      if (!marks.rows.length) break;
      const ids = [...new Set(marks.rows.map((m) => m.customer_id))];
      for (let i = 0; i < ids.length; i += BATCH) {
        for (const d of await this.recomputeCustomers(db, s, ids.slice(i, i + BATCH))) salesDays.add(d);
      }
      customers += ids.length;
      // Exactly the marks read: a mark committed meanwhile stays for the next pass.
      await sql`delete from analytics_dirty where id = any(${marks.rows.map((m) => m.id)}::bigint[])`.execute(db);
      if (marks.rows.length < 20000) break;
    }
    const guest = await sql<{ day: string }>`
      select day from (${guestChangedDays(s, state.scan_from)}) g
      ${recentGuestDays > 0 ? sql`union select generate_series((now() at time zone ${s.tz})::date - ${recentGuestDays}::int, (now() at time zone ${s.tz})::date, interval '1 day')::date` : sql``}`.execute(db);
    const guestDays = guest.rows.map((r) => r.day);
    await recomputeGuestDays(db, s, guestDays);
    for (const d of guestDays) salesDays.add(d);
    await recomputeSalesDays(db, s, [...salesDays]);
    await this.saveState(db, s, { scanFrom, now });
    return { customers, guestDays: guestDays.length, salesDays: salesDays.size };
  }

  /** Replaces these customers' rows and applies the difference to the derived tables; returns the days whose orders changed. */
  private async recomputeCustomers(db: Kysely<Database>, s: Scope, ids: string[]): Promise<string[]> {
    await sql`drop table if exists ac_old, ac_new, ci_old, ci_new`.execute(db);
    await sql`create temp table ac_old as select * from analytics_customer_days where customer_id = any(${ids}::uuid[])`.execute(db);
    await sql`create temp table ac_new as ${customerDays(s, { ids })}`.execute(db);
    await sql`create temp table ci_old as select * from analytics_customers where customer_id = any(${ids}::uuid[])`.execute(db);
    await sql`create temp table ci_new as ${customerInfo(s, { ids })}`.execute(db);
    await applyContributions(db, sql`select 1 as sg, * from ac_new union all select -1, * from ac_old`, sql`select 1 as sg, * from ci_new union all select -1, * from ci_old`);
    const changed = await sql<{ day: string }>`
      select distinct coalesce(n.day, o.day) as day from ac_new n full join ac_old o on o.customer_id = n.customer_id and o.day = n.day
      where coalesce(n.orders, 0) <> coalesce(o.orders, 0) or coalesce(n.revenue, 0) <> coalesce(o.revenue, 0)`.execute(db);
    await sql`delete from analytics_customer_days where customer_id = any(${ids}::uuid[])`.execute(db);
    await sql`insert into analytics_customer_days select * from ac_new`.execute(db);
    await sql`delete from analytics_customers where customer_id = any(${ids}::uuid[])`.execute(db);
    await sql`insert into analytics_customers select * from ci_new`.execute(db);
    await sql`drop table ac_old, ac_new, ci_old, ci_new`.execute(db);
    return changed.rows.map((r) => r.day);
  }

  private async saveState(db: Executor, s: Scope, t: { builtAt?: Date; scanFrom: Date; now: Date }): Promise<void> {
    await sql`
      insert into analytics_state (id, time_zone, currency, built_at, scan_from, refreshed_at)
      values (1, ${s.tz}, ${s.currency}, ${t.builtAt ?? t.now}, ${t.scanFrom}, ${t.now})
      on conflict (id) do update set time_zone = excluded.time_zone, currency = excluded.currency, scan_from = excluded.scan_from, refreshed_at = excluded.refreshed_at
        ${t.builtAt ? sql`, built_at = excluded.built_at` : sql``}`.execute(db);
  }
}
