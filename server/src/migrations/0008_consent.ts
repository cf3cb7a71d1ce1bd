import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Marketing consent per customer and channel: the current state (read by segments, sending,
    -- the list filter) and the append-only ledger that proves how each state came about.
    -- No row for a channel = consent never given ("none"). Rules: docs/consent.md.
    create table customer_consents (
      customer_id uuid not null references customers(id) on delete cascade,
      channel text not null check (channel in ('email','sms')),
      status text not null check (status in ('subscribed','unsubscribed','pending')),
      source text not null,
      -- When the state took effect at its source (not when Patron heard of it): an older event never overwrites it.
      updated_at timestamptz not null,
      -- The ledger row that set this state.
      event_id uuid not null,
      primary key (customer_id, channel)
    );
    -- "Email subscribers" (list filter, segments, sends) without touching every profile.
    create index customer_consents_status_idx on customer_consents (channel, status, customer_id);

    create table consent_events (
      id uuid primary key,
      customer_id uuid not null references customers(id) on delete cascade,
      channel text not null check (channel in ('email','sms')),
      status text not null check (status in ('subscribed','unsubscribed','pending')),
      previous_status text check (previous_status in ('subscribed','unsubscribed','pending')),
      source text not null,
      method text not null,
      actor_label text not null,
      reason text,
      evidence jsonb not null default '{}'::jsonb,
      -- False when a newer state already existed: kept as proof that the message arrived, not applied.
      applied boolean not null default true,
      occurred_at timestamptz not null,
      recorded_at timestamptz not null default now()
    );
    create index consent_events_customer_idx on consent_events (customer_id, occurred_at desc, id desc);

    -- Bulk changes to every customer matching a filter, run as a background job in chunks:
    -- the row is the job's progress (and its resume point after a crash).
    create table customer_bulk_jobs (
      id uuid primary key,
      kind text not null check (kind in ('tag')),
      params jsonb not null,
      status text not null check (status in ('queued','running','done','failed')),
      total int not null,
      processed int not null default 0,
      changed int not null default 0,
      last_id uuid,
      error text,
      actor_id uuid,
      actor_label text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      finished_at timestamptz
    );
    create index customer_bulk_jobs_created_idx on customer_bulk_jobs (created_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists customer_bulk_jobs; drop table if exists consent_events; drop table if exists customer_consents;`.execute(db);
}
