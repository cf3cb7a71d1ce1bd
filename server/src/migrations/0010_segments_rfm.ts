import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- RFM scores (1-5, 5 = best) of every live customer with at least one order, as of the last run.
    -- Other modules read it (segment conditions): customer_id, recency, frequency, monetary, class, computed_at.
    create table customer_rfm (
      customer_id uuid primary key references customers(id) on delete cascade,
      recency smallint not null check (recency between 1 and 5),
      frequency smallint not null check (frequency between 1 and 5),
      monetary smallint not null check (monetary between 1 and 5),
      class text not null check (class in ('champions','loyal','potential_loyalist','new','promising','needs_attention','about_to_sleep','at_risk','cant_lose_them','hibernating','lost')),
      -- The values the scores were given for, so lists and the grid agree with the scores they show.
      recency_days int not null,
      order_count int not null,
      net_spent bigint not null,
      computed_at timestamptz not null
    );
    -- Lists of a cell or a class, biggest spenders first (keyset pagination).
    create index customer_rfm_cell_idx on customer_rfm (recency, frequency, net_spent desc, customer_id desc);
    create index customer_rfm_class_idx on customer_rfm (class, net_spent desc, customer_id desc);

    -- One row per recomputation: when, over how many customers, the cut points and the grid it produced.
    create table rfm_runs (
      id uuid primary key,
      computed_at timestamptz not null,
      as_of timestamptz,
      customers int not null,
      revenue bigint not null,
      currency text not null,
      cut_points jsonb not null,
      cells jsonb not null,
      duration_ms int not null,
      trigger text not null
    );
    create index rfm_runs_computed_idx on rfm_runs (computed_at desc);

    -- When a recompute was last asked for (imports): a run that started before it must run again.
    create table rfm_requests (
      id boolean primary key default true check (id),
      requested_at timestamptz not null
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table rfm_requests, rfm_runs, customer_rfm`.execute(db);
}
