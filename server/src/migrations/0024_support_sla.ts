import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// Support SLA, business hours and CSAT. Rules: docs/support.md, "SLA, CSAT and reports".
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Weekly opening hours in one time zone, and holidays. One is the default (tickets without a policy use it for reports).
    create table support_calendars (
      id uuid primary key,
      name text not null,
      time_zone text not null,
      -- {"mon":[{"start":"09:00","end":"17:00"}],…,"sun":[]}; an end not after its start runs overnight.
      hours jsonb not null,
      -- [{"date":"2026-12-25","name":"Christmas","yearly":true}]
      holidays jsonb not null default '[]'::jsonb,
      is_default boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index support_calendars_name_key on support_calendars (lower(name));
    create unique index support_calendars_default_key on support_calendars ((true)) where is_default;

    -- SLA policies, tried in position order; the first whose conditions match a ticket applies.
    create table sla_policies (
      id uuid primary key,
      name text not null,
      position int not null default 0,
      enabled boolean not null default true,
      -- null: the default calendar.
      calendar_id uuid references support_calendars(id) on delete restrict,
      -- Conditions (empty / null: any). A deleted segment matches no one (no FK: policies outlive segments).
      segment_id uuid,
      channels text[] not null default '{}',
      -- Business minutes per priority: {"urgent":{"firstResponse":30,"resolution":240},…}; a missing or null target: none.
      targets jsonb not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index sla_policies_name_key on sla_policies (lower(name));

    -- Each ticket's SLA clock. Times in business milliseconds of the calendar; pauses (pending, on hold, solved) excluded.
    create table ticket_sla (
      ticket_id uuid primary key references tickets(id) on delete cascade,
      policy_id uuid references sla_policies(id) on delete set null,
      policy_name text,
      calendar_id uuid references support_calendars(id) on delete set null,
      -- The priority the targets were taken for: a change of priority picks the policy and targets again.
      priority text not null,
      first_response_target int,
      resolution_target int,
      -- While paused the clock stands still; paused_ms is the business time spent paused so far.
      paused_at timestamptz,
      paused_ms bigint not null default 0,
      first_response_due_at timestamptz,
      resolution_due_at timestamptz,
      -- When each target becomes at risk (75 % used).
      first_response_warn_at timestamptz,
      resolution_warn_at timestamptz,
      -- Achieved: business time to the first public agent reply and to solved.
      first_response_ms bigint,
      resolution_ms bigint,
      -- Set once a target is missed (by the breach job, which notifies, or on a late achievement).
      first_response_breached_at timestamptz,
      resolution_breached_at timestamptz,
      -- The at-risk warning of each target was sent.
      first_response_warned boolean not null default false,
      resolution_warned boolean not null default false,
      updated_at timestamptz not null default now()
    );
    create index ticket_sla_fr_due_idx on ticket_sla (first_response_due_at) where first_response_ms is null and first_response_breached_at is null and paused_at is null;
    create index ticket_sla_res_due_idx on ticket_sla (resolution_due_at) where resolution_ms is null and resolution_breached_at is null and paused_at is null;

    -- When the next deadline (sla_due_at) becomes at risk: 75 % of its target used. The "SLA at risk" view is sla_warn_at <= now().
    alter table tickets add column sla_warn_at timestamptz;
    create index tickets_sla_warn_idx on tickets (sla_warn_at) where sla_warn_at is not null and status not in ('solved','closed');

    -- One satisfaction survey per ticket; the rating may change within the settings' window.
    create table csat_surveys (
      id uuid primary key,
      ticket_id uuid not null unique references tickets(id) on delete cascade,
      customer_id uuid not null references customers(id) on delete cascade,
      -- The messaging module's message that carried it.
      message_id uuid,
      sent_at timestamptz not null default now(),
      rating smallint check (rating between 1 and 5),
      comment text,
      rated_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index csat_surveys_rated_idx on csat_surveys (rated_at) where rating is not null;
    create index csat_surveys_customer_idx on csat_surveys (customer_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists csat_surveys; drop index if exists tickets_sla_warn_idx; alter table tickets drop column if exists sla_warn_at;
    drop table if exists ticket_sla; drop table if exists sla_policies; drop table if exists support_calendars;
  `.execute(db);
}
