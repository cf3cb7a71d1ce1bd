import { decodeCursor, encodeCursor, isUuidString } from '../../platform/http/cursor.ts';
import { sql, type SqlBool, type Expression } from 'kysely';
import type { Executor, Tx } from '../../platform/db/db.ts';
import { allCells, type RfmClass } from './rfm.classes.ts';
import type { RfmFilter } from './rfm.schemas.ts';

export interface CustomerRfmTable {
  customer_id: string;
  recency: number;
  frequency: number;
  monetary: number;
  class: RfmClass;
  recency_days: number;
  order_count: number;
  net_spent: number;
  computed_at: Date;
}

export interface RfmRunsTable {
  id: string;
  computed_at: Date;
  as_of: Date | null;
  customers: number;
  revenue: number;
  currency: string;
  cut_points: unknown;
  cells: unknown;
  duration_ms: number;
  trigger: string;
}

export interface RfmRequestsTable {
  id: boolean;
  requested_at: Date;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    customer_rfm: CustomerRfmTable;
    rfm_runs: RfmRunsTable;
    rfm_requests: RfmRequestsTable;
  }
}

/** Serialises recomputes across processes (the nightly job, imports, the button). */
const LOCK_KEY = 0x52_46_4d_01;

/** The class of each R×F cell as one SQL expression, from the map in rfm.classes.ts. */
function classCase(): Expression<RfmClass> {
  const whens = allCells().map((c) => sql`when ${c.r * 10 + c.f} then ${c.class}`);
  return sql<RfmClass>`case (r * 10 + f) ${sql.join(whens, sql` `)} end`;
}

export interface RowCounts {
  customers: number;
  asOf: Date | null;
  computedAt: Date;
}

export interface CustomerRfmRow extends CustomerRfmTable {
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  country: string | null;
  last_order_at: Date | null;
  ref: string | null;
}

export const rfmRepo = {
  /** Waits for any other recompute to commit. Must be the transaction's first statement. */
  async lock(tx: Tx): Promise<void> {
    await sql`select pg_advisory_xact_lock(${LOCK_KEY}::bigint)`.execute(tx);
  },

  /**
   * Scores every live, known customer with an order into a fresh table `customer_rfm_next`, in one
   * statement (one snapshot of `customers`), then builds its indexes. Loading an unindexed table and
   * indexing it afterwards is several times faster than rewriting a million indexed rows in place.
   * Recency counts calendar days in the store's time zone back from the store's latest order.
   * Each score is 1 + ⌊5·w/n⌋ with w = rank - 1, the number of customers with a strictly worse value
   * (see rfm.scoring.ts): ties share a score. Integer arithmetic throughout.
   */
  async build(tx: Tx, timeZone: string): Promise<RowCounts> {
    // Sorting a million rows three times and building the indexes in memory rather than on disk.
    await sql`set local work_mem = '128MB'`.execute(tx);
    await sql`set local maintenance_work_mem = '256MB'`.execute(tx);
    await sql`create table customer_rfm_next (like customer_rfm including defaults including constraints)`.execute(tx);
    const scope = sql`merged_into is null and not anonymous and order_count > 0 and last_order_at is not null`;
    // The store's latest order (an index probe). An order arriving after this is at most the same day: days clamp at 0.
    const asOf = (await sql<{ t: Date | null }>`select max(last_order_at) as t from customers where ${scope}`.execute(tx)).rows[0]?.t ?? null;
    // Taken before the statement's snapshot: a recompute request stamped later is never taken as covered by this run.
    const computedAt = (await sql<{ t: Date }>`select clock_timestamp() as t`.execute(tx)).rows[0]!.t;
    // w for recency is the number of customers whose last order is on an earlier day (in the store's time zone).
    const res = await sql`
      with s as (
        select id, order_count, net_spent, last_day,
          rank() over (order by last_day) - 1 as r_worse,
          rank() over (order by order_count) - 1 as f_worse,
          rank() over (order by net_spent) - 1 as m_worse
        from (
          select id, order_count, (total_spent - refunded)::bigint as net_spent, (last_order_at at time zone ${timeZone})::date as last_day
          from customers where ${scope}
        ) b
      ), k as materialized (
        -- Materialised: computed once, whatever join the planner picks.
        select count(*) as n from customers where ${scope}
      ), scored as (
        select s.id, s.order_count, s.net_spent, greatest(0, (${asOf}::timestamptz at time zone ${timeZone})::date - s.last_day) as recency_days,
          (1 + 5 * r_worse / k.n)::smallint as r, (1 + 5 * f_worse / k.n)::smallint as f, (1 + 5 * m_worse / k.n)::smallint as m
        from s cross join k
      )
      insert into customer_rfm_next (customer_id, recency, frequency, monetary, class, recency_days, order_count, net_spent, computed_at)
      select id, r, f, m, ${classCase()}, recency_days, order_count, net_spent, ${computedAt}::timestamptz
      from scored`.execute(tx);
    await sql`alter table customer_rfm_next add constraint customer_rfm_next_pkey primary key (customer_id)`.execute(tx);
    await sql`create index customer_rfm_next_cell_idx on customer_rfm_next (recency, frequency, net_spent desc, customer_id desc)`.execute(tx);
    await sql`create index customer_rfm_next_class_idx on customer_rfm_next (class, net_spent desc, customer_id desc)`.execute(tx);
    await sql`analyze customer_rfm_next`.execute(tx);
    return { customers: Number(res.numAffectedRows ?? 0), asOf, computedAt };
  },

  /**
   * Puts customer_rfm_next in place of customer_rfm. It takes the old table first (readers of the scores
   * wait), then adds the foreign key, which waits only for writes to customers already under way (new
   * ones queue behind it for that long). Each try waits at most half a second for a lock, less than
   * Postgres waits before looking for deadlocks, so it is this transaction that steps back (to a
   * savepoint) and tries again a little later, never someone else's that fails.
   */
  async swap(tx: Tx, attempts = 20): Promise<void> {
    const before = (await sql<{ v: string }>`select current_setting('lock_timeout') as v`.execute(tx)).rows[0]!.v;
    for (let attempt = 1; ; attempt++) {
      await sql`savepoint rfm_swap`.execute(tx);
      try {
        await sql`select set_config('lock_timeout', '500ms', true)`.execute(tx);
        await sql`lock table customer_rfm in access exclusive mode`.execute(tx);
        await sql`alter table customer_rfm_next add constraint customer_rfm_next_customer_id_fkey foreign key (customer_id) references customers(id) on delete cascade not valid`.execute(tx);
        await sql`drop table customer_rfm`.execute(tx);
        await sql`alter table customer_rfm_next rename to customer_rfm`.execute(tx);
        await sql`alter table customer_rfm rename constraint customer_rfm_next_pkey to customer_rfm_pkey`.execute(tx);
        await sql`alter table customer_rfm rename constraint customer_rfm_next_customer_id_fkey to customer_rfm_customer_id_fkey`.execute(tx);
        await sql`alter index customer_rfm_next_cell_idx rename to customer_rfm_cell_idx`.execute(tx);
        await sql`alter index customer_rfm_next_class_idx rename to customer_rfm_class_idx`.execute(tx);
        await sql`select set_config('lock_timeout', ${before}, true)`.execute(tx);
        await sql`release savepoint rfm_swap`.execute(tx);
        return;
      } catch (e) {
        // lock_not_available (the lock timeout) or deadlock_detected: step back and try again.
        const code = (e as { code?: string }).code;
        if ((code !== '55P03' && code !== '40P01') || attempt >= attempts) throw e;
        await sql`rollback to savepoint rfm_swap`.execute(tx);
        await new Promise((r) => setTimeout(r, Math.min(2000, 200 * attempt)));
      }
    }
  },

  /** Validates the foreign key added by `swap`: a scan that blocks no one. */
  async validate(tx: Tx): Promise<void> {
    await sql`alter table customer_rfm validate constraint customer_rfm_customer_id_fkey`.execute(tx);
  },

  /** Rows of profiles erased while the scores were being built (the key was not there yet to cascade). */
  async deleteDangling(tx: Tx): Promise<void> {
    await sql`delete from customer_rfm s where not exists (select 1 from customers c where c.id = s.customer_id)`.execute(tx);
  },

  /** The grid and the cut points of what is in customer_rfm, in one pass. */
  async summarise(tx: Executor, table: 'customer_rfm' | 'customer_rfm_next' = 'customer_rfm'): Promise<{
    cells: { r: number; f: number; customers: number; revenue: number; orders: number }[];
    cuts: { dim: 'recency' | 'frequency' | 'monetary'; score: number; min: number; max: number; customers: number }[];
  }> {
    const rows = await sql<{ r: number | null; f: number | null; m: number | null; customers: number; revenue: number; orders: number; min_days: number; max_days: number; min_orders: number; max_orders: number; min_net: number; max_net: number }>`
      select recency as r, frequency as f, monetary as m, count(*)::int as customers, sum(net_spent)::bigint as revenue, sum(order_count)::bigint as orders,
        min(recency_days) as min_days, max(recency_days) as max_days, min(order_count) as min_orders, max(order_count) as max_orders,
        min(net_spent) as min_net, max(net_spent) as max_net
      from ${sql.table(table)}
      group by grouping sets ((recency, frequency), (recency), (frequency), (monetary))`.execute(tx);
    const cells: { r: number; f: number; customers: number; revenue: number; orders: number }[] = [];
    const cuts: { dim: 'recency' | 'frequency' | 'monetary'; score: number; min: number; max: number; customers: number }[] = [];
    for (const x of rows.rows) {
      if (x.r !== null && x.f !== null) cells.push({ r: x.r, f: x.f, customers: x.customers, revenue: x.revenue, orders: x.orders });
      else if (x.r !== null) cuts.push({ dim: 'recency', score: x.r, min: x.min_days, max: x.max_days, customers: x.customers });
      else if (x.f !== null) cuts.push({ dim: 'frequency', score: x.f, min: x.min_orders, max: x.max_orders, customers: x.customers });
      else if (x.m !== null) cuts.push({ dim: 'monetary', score: x.m, min: x.min_net, max: x.max_net, customers: x.customers });
    }
    return { cells, cuts };
  },

  async latestRun(db: Executor) {
    return db.selectFrom('rfm_runs').selectAll().orderBy('computed_at', 'desc').limit(1).executeTakeFirst();
  },

  /** Keeps the last `keep` runs (the page shows the latest; older ones are history for support). */
  async pruneRuns(tx: Executor, keep: number): Promise<void> {
    await sql`delete from rfm_runs where id not in (select id from rfm_runs order by computed_at desc limit ${keep})`.execute(tx);
  },

  async markRequested(tx: Executor): Promise<void> {
    await sql`insert into rfm_requests (id, requested_at) values (true, clock_timestamp())
      on conflict (id) do update set requested_at = greatest(rfm_requests.requested_at, excluded.requested_at)`.execute(tx);
  },

  async requestedAt(db: Executor): Promise<Date | null> {
    return (await db.selectFrom('rfm_requests').select('requested_at').executeTakeFirst())?.requested_at ?? null;
  },

  /** A page of scored live customers matching the filter, biggest net spenders first. */
  async list(db: Executor, f: RfmFilter, limit: number, cursor?: string): Promise<{ rows: CustomerRfmRow[]; nextCursor: string | null }> {
    const where: Expression<SqlBool>[] = [sql<SqlBool>`c.merged_into is null`];
    if (f.r !== undefined) where.push(sql<SqlBool>`s.recency = ${f.r}`);
    if (f.f !== undefined) where.push(sql<SqlBool>`s.frequency = ${f.f}`);
    if (f.class !== undefined) where.push(sql<SqlBool>`s.class = ${f.class}`);
    if (cursor) {
      const c = readCursor(cursor);
      where.push(sql<SqlBool>`(s.net_spent, s.customer_id) < (${c.v}::bigint, ${c.id}::uuid)`);
    }
    const rows = await sql<CustomerRfmRow>`
      select s.*, c.first_name, c.last_name, c.email, c.phone, c.country, c.last_order_at,
        case when c.first_name is null and c.last_name is null and c.email is null and c.phone is null then
          (select i.source || ' ' || i.value from customer_identities i where i.customer_id = c.id and i.kind in ('external', 'user_id') order by i.created_at limit 1)
        end as ref
      from customer_rfm s join customers c on c.id = s.customer_id
      where ${sql.join(where, sql` and `)}
      order by s.net_spent desc, s.customer_id desc
      limit ${limit + 1}`.execute(db);
    const page = rows.rows.slice(0, limit);
    const last = page.at(-1);
    return { rows: page, nextCursor: rows.rows.length > limit && last ? cursorOf({ v: last.net_spent, id: last.customer_id }) : null };
  },

  /** A live customer's scores, or undefined (never scored, no orders, or merged away since). */
  async forCustomer(db: Executor, id: string) {
    return db.selectFrom('customer_rfm as s').innerJoin('customers as c', 'c.id', 's.customer_id').selectAll('s')
      .where('s.customer_id', '=', id).where('c.merged_into', 'is', null).executeTakeFirst();
  },
};

interface Cursor {
  v: number;
  id: string;
}

const cursorOf = (c: Cursor): string => encodeCursor(c);
const readCursor = (s: string): Cursor =>
  decodeCursor(s, (v): v is Cursor => typeof v === 'object' && v !== null && Number.isSafeInteger((v as Cursor).v) && isUuidString((v as Cursor).id));
