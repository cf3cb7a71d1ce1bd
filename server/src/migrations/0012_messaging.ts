import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Who mail comes from. Several senders (and so domains) per store; one is the default.
    create table message_senders (
      id uuid primary key,
      name text not null,
      from_name text not null,
      from_email text not null,
      reply_to text,
      is_default boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index message_senders_default_idx on message_senders (is_default) where is_default;

    -- Email (MJML or HTML with Liquid) and SMS (text with Liquid) templates. Every save is a version;
    -- a message records the version it was rendered from.
    create table message_templates (
      id uuid primary key,
      name text not null,
      channel text not null check (channel in ('email','sms')),
      kind text not null check (kind in ('marketing','transactional')),
      format text not null check (format in ('mjml','html','text')),
      subject text not null default '',
      preheader text not null default '',
      body text not null,
      sender_id uuid references message_senders(id) on delete set null,
      -- The gallery template it was made from, if any.
      starter text,
      version int not null default 1,
      archived_at timestamptz,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create table message_template_versions (
      template_id uuid not null references message_templates(id) on delete cascade,
      version int not null,
      format text not null,
      subject text not null,
      preheader text not null,
      body text not null,
      saved_by text not null,
      saved_at timestamptz not null default now(),
      primary key (template_id, version)
    );

    -- One row per intended message to one customer: the queue the dispatcher drains, the outbox
    -- when no SMTP server is configured, and the record reports and attribution read.
    -- dedupe_key makes every send at-most-once: a campaign recipient, a (flow run, step), a test.
    create table messages (
      id uuid primary key,
      customer_id uuid references customers(id) on delete cascade,
      channel text not null check (channel in ('email','sms')),
      kind text not null check (kind in ('marketing','transactional')),
      purpose text not null check (purpose in ('campaign','flow','test','transactional','system')),
      dedupe_key text not null unique,
      status text not null check (status in ('queued','sending','sent','failed','skipped','cancelled','uncertain')),
      -- Why a queued message was not sent: no_consent, suppressed, frequency_cap, smart_sending, paused, no_address, …
      skip_reason text,
      send_after timestamptz not null default now(),
      template_id uuid references message_templates(id) on delete set null,
      template_version int,
      sender_id uuid references message_senders(id) on delete set null,
      campaign_id uuid,
      variant text,
      flow_id uuid,
      flow_version int,
      flow_run_id uuid,
      flow_step_id text,
      -- Extra Liquid variables (the cart of an abandoned-cart flow, a discount code) and content overrides (A/B subject).
      vars jsonb not null default '{}'::jsonb,
      overrides jsonb not null default '{}'::jsonb,
      -- Test sends go to a person of the team, not to the customer whose data fills the template.
      to_override text,
      -- Marketing topic (preference centre): skipped for customers who turned it off.
      topic text,
      attempts int not null default 0,
      last_error text,
      -- When a dispatcher took it (status 'sending'); a send that never finished is marked 'uncertain', never resent.
      claimed_at timestamptz,
      -- What was sent, kept for the outbox, the customer's timeline and proof.
      transport text,
      to_address text,
      from_address text,
      subject text,
      html text,
      text_body text,
      headers jsonb,
      provider_id text,
      created_at timestamptz not null default now(),
      sent_at timestamptz,
      -- First of each engagement, so reports count without scanning events.
      delivered_at timestamptz,
      opened_at timestamptz,
      clicked_at timestamptz,
      bounced_at timestamptz,
      bounce_type text check (bounce_type in ('hard','soft')),
      complained_at timestamptz,
      unsubscribed_at timestamptz
    );
    create index messages_due_idx on messages (send_after) where status = 'queued';
    create index messages_customer_idx on messages (customer_id, created_at desc);
    create index messages_sent_idx on messages (customer_id, sent_at desc) where status = 'sent' and kind = 'marketing';
    create index messages_campaign_idx on messages (campaign_id, variant) where campaign_id is not null;
    create index messages_flow_idx on messages (flow_id, flow_step_id) where flow_id is not null;
    create index messages_created_idx on messages (created_at desc, id desc);
    create index messages_provider_idx on messages (provider_id) where provider_id is not null;

    -- Everything that happened to a message after it left: opens, clicks, bounces, complaints, receipts.
    create table message_events (
      id uuid primary key,
      message_id uuid not null references messages(id) on delete cascade,
      customer_id uuid references customers(id) on delete cascade,
      type text not null check (type in ('delivered','opened','clicked','bounced','complained','unsubscribed','failed')),
      occurred_at timestamptz not null default now(),
      url text,
      -- Machine opens and clicks (mail scanners, prefetch) are kept but not counted.
      is_bot boolean not null default false,
      data jsonb not null default '{}'::jsonb
    );
    create index message_events_message_idx on message_events (message_id, occurred_at);

    -- Addresses never to send to again (hard bounces, complaints, by hand), per channel.
    create table suppressions (
      channel text not null check (channel in ('email','sms')),
      address text not null,
      reason text not null check (reason in ('hard_bounce','complaint','manual','invalid')),
      detail text,
      source text not null,
      customer_id uuid references customers(id) on delete set null,
      created_by text not null,
      created_at timestamptz not null default now(),
      primary key (channel, address)
    );

    -- The preference centre: topics a customer opted out of, and a pause of all marketing.
    create table email_preferences (
      customer_id uuid primary key references customers(id) on delete cascade,
      topics_off text[] not null default '{}',
      paused_until timestamptz,
      updated_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists email_preferences; drop table if exists suppressions; drop table if exists message_events;
    drop table if exists messages; drop table if exists message_template_versions; drop table if exists message_templates;
    drop table if exists message_senders;
  `.execute(db);
}
