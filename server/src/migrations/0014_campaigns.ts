import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A campaign: one template sent to the members of some segments minus others, now, at a time or
    -- at the same local time in each recipient's zone, optionally throttled and A/B tested.
    -- Rules and lifecycle: docs/messaging.md, "Campaigns".
    create table campaigns (
      id uuid primary key,
      name text not null,
      status text not null default 'draft' check (status in ('draft','scheduled','sending','sent','cancelled','failed')),
      channel text not null default 'email' check (channel in ('email','sms')),
      kind text not null default 'marketing' check (kind in ('marketing','transactional')),
      -- Preference-centre topic; customers who turned it off are skipped at send time.
      topic text,
      template_id uuid references message_templates(id) on delete set null,
      sender_id uuid references message_senders(id) on delete set null,
      include_segment_ids uuid[] not null default '{}',
      exclude_segment_ids uuid[] not null default '{}',
      -- {"mode":"now"} | {"mode":"at","sendAt":"…Z"} | {"mode":"local","date":"YYYY-MM-DD","time":"HH:MM"}
      schedule jsonb not null default '{"mode":"now"}'::jsonb,
      -- When the start job freezes the audience (set when scheduled; the job checks it still matches).
      start_at timestamptz,
      throttle_per_hour int check (throttle_per_hour > 0),
      -- {"variants":[{"key":"A","subject":…,"templateId":…},…],"testPercent":20,"metric":"opens","waitHours":4}
      ab_test jsonb,
      winner text,
      winner_picked_at timestamptz,
      test_ends_at timestamptz,
      started_at timestamptz,
      -- Every recipient handed to the sender (after a test: the rest too).
      handed_over_at timestamptz,
      -- Nothing left queued: status 'sent'.
      finished_at timestamptz,
      cancelled_at timestamptz,
      error text,
      -- Counts when the audience was frozen: total, with an address, consented, suppressed, recipients, test, held.
      audience jsonb,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index campaigns_created_idx on campaigns (created_at desc, id desc);
    create index campaigns_active_idx on campaigns (status) where status in ('scheduled','sending');

    -- The audience frozen when the campaign starts: who it was meant for, their A/B variant, and
    -- who is held back until the test's winner is known.
    create table campaign_recipients (
      campaign_id uuid not null references campaigns(id) on delete cascade,
      customer_id uuid not null references customers(id) on delete cascade,
      variant text,
      held boolean not null default false,
      send_after timestamptz,
      primary key (campaign_id, customer_id)
    );
    create index campaign_recipients_held_idx on campaign_recipients (campaign_id, customer_id) where held;
    create index campaign_recipients_customer_idx on campaign_recipients (customer_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists campaign_recipients; drop table if exists campaigns;`.execute(db);
}
