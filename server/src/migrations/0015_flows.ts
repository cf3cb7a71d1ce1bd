import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- An automation. The definition lives in flow_versions (frozen per version); the columns here
    -- are the current version's trigger facts the activity listener filters on without parsing JSON.
    create table flows (
      id uuid primary key,
      name text not null,
      description text not null default '',
      status text not null default 'draft' check (status in ('draft','live','paused','archived')),
      version int not null default 1,
      builtin_key text,
      trigger_type text not null check (trigger_type in ('activity','segment','date','manual')),
      trigger_activity text,
      trigger_segment_id uuid,
      -- Standard Webhooks secret for the flow's webhook steps (whsec_…).
      webhook_secret text not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      enabled_at timestamptz
    );
    create index flows_trigger_idx on flows (trigger_type, trigger_activity) where status = 'live';
    create unique index flows_builtin_idx on flows (builtin_key) where builtin_key is not null and status <> 'archived';

    create table flow_versions (
      flow_id uuid not null references flows(id) on delete cascade,
      version int not null,
      definition jsonb not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      primary key (flow_id, version)
    );

    -- One customer's journey through one flow. The engine claims due runs in batches
    -- (status active/waiting, due_at <= now) with FOR UPDATE SKIP LOCKED.
    create table flow_runs (
      id uuid primary key,
      flow_id uuid not null references flows(id) on delete cascade,
      version int not null,
      customer_id uuid not null references customers(id) on delete cascade,
      -- The trigger property the flow is keyed by (a cart or checkout id), or a date trigger's day.
      key text,
      status text not null check (status in ('active','waiting','completed','exited','failed')),
      step_id text,
      due_at timestamptz,
      entered_at timestamptz not null default now(),
      -- When the triggering activity happened (exit conditions only count what came after it).
      triggered_at timestamptz not null default now(),
      exited_at timestamptz,
      exit_reason text,
      goal_at timestamptz,
      -- wait-for-activity: the types that end the wait, and since when they count.
      wait_for text[],
      wait_since timestamptz,
      wait_matched boolean not null default false,
      -- Liquid variables for this run's messages: the trigger's properties, a discount code.
      vars jsonb not null default '{}'::jsonb,
      last_error text,
      updated_at timestamptz not null default now()
    );
    create index flow_runs_due_idx on flow_runs (due_at) where status in ('active','waiting');
    create index flow_runs_customer_idx on flow_runs (customer_id, entered_at desc);
    create index flow_runs_flow_idx on flow_runs (flow_id, status, step_id);
    create index flow_runs_flow_entered_idx on flow_runs (flow_id, entered_at desc, id desc);
    -- One live run per customer and flow; the same key never starts a second run.
    create unique index flow_runs_live_uq on flow_runs (flow_id, customer_id) where status in ('active','waiting');
    create unique index flow_runs_key_uq on flow_runs (flow_id, customer_id, key) where key is not null;

    -- Each (run, step) executes at most once: the row is written in the transaction that does the
    -- step's work (a send is enqueued with dedupe key flow:<run>:<step> in the same transaction).
    create table flow_run_steps (
      run_id uuid not null references flow_runs(id) on delete cascade,
      step_id text not null,
      flow_id uuid not null,
      status text not null check (status in ('waiting','started','done','failed')),
      -- The step taken next (a branch target), or null when the run ended here.
      outcome text,
      branch text,
      started_at timestamptz not null default now(),
      due_at timestamptz,
      done_at timestamptz,
      detail jsonb,
      primary key (run_id, step_id)
    );
    create index flow_run_steps_flow_idx on flow_run_steps (flow_id, step_id, status);

    -- "Notify a team member / create a task" steps.
    create table flow_tasks (
      id uuid primary key,
      flow_id uuid not null references flows(id) on delete cascade,
      run_id uuid not null references flow_runs(id) on delete cascade,
      step_id text not null,
      customer_id uuid not null references customers(id) on delete cascade,
      title text not null,
      body text not null default '',
      assignee_id uuid references users(id) on delete set null,
      status text not null default 'open' check (status in ('open','done')),
      created_at timestamptz not null default now(),
      done_at timestamptz,
      done_by text,
      unique (run_id, step_id)
    );
    create index flow_tasks_open_idx on flow_tasks (status, created_at desc);

    -- Single-use codes made for one run (the abandoned-cart incentive).
    create table discount_codes (
      id uuid primary key,
      code text not null unique,
      flow_id uuid references flows(id) on delete set null,
      run_id uuid references flow_runs(id) on delete set null,
      step_id text,
      customer_id uuid references customers(id) on delete cascade,
      kind text not null check (kind in ('percent','amount')),
      value int not null,
      currency text,
      expires_at timestamptz not null,
      used_at timestamptz,
      order_id text,
      created_at timestamptz not null default now(),
      unique (run_id, step_id)
    );
    create index discount_codes_customer_idx on discount_codes (customer_id);

    -- Date triggers read custom date attributes typed by people: a value that is not a date is skipped, not an error.
    create function flows_safe_date(t text) returns date language plpgsql immutable as $fn$
    begin
      if t !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then return null; end if;
      return t::date;
    exception when others then
      return null;
    end $fn$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists discount_codes; drop table if exists flow_tasks; drop table if exists flow_run_steps;
    drop table if exists flow_runs; drop table if exists flow_versions; drop table if exists flows;
    drop function if exists flows_safe_date(text);
  `.execute(db);
}
