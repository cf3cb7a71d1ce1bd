import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Which message earned an order: last touch, one row per order (docs/messaging.md, "Attribution").
    create table message_attributions (
      order_id uuid primary key references orders(id) on delete cascade,
      message_id uuid not null references messages(id) on delete cascade,
      customer_id uuid references customers(id) on delete cascade,
      campaign_id uuid,
      flow_id uuid,
      flow_step_id text,
      variant text,
      touch text not null check (touch in ('click','open')),
      touched_at timestamptz not null,
      revenue_minor bigint not null,
      currency text not null,
      -- When the order was placed (reports group by it).
      ordered_at timestamptz not null,
      attributed_at timestamptz not null default now()
    );
    create index message_attributions_campaign_idx on message_attributions (campaign_id, variant) where campaign_id is not null;
    create index message_attributions_flow_idx on message_attributions (flow_id, flow_step_id) where flow_id is not null;
    create index message_attributions_message_idx on message_attributions (message_id);
    create index message_attributions_ordered_idx on message_attributions (ordered_at);

    -- The last human touch of a customer before an order (attribution looks back a few days).
    create index message_events_touch_idx on message_events (customer_id, occurred_at desc) where type in ('clicked','opened') and not is_bot;
    -- Bounce webhooks without our id are matched by address.
    create index messages_to_address_idx on messages (lower(to_address), sent_at desc) where to_address is not null;

    -- Provider webhook events already applied: a replayed delivery changes nothing.
    create table message_inbound_events (
      provider text not null,
      event_id text not null,
      message_id uuid,
      type text not null,
      received_at timestamptz not null default now(),
      primary key (provider, event_id)
    );
    create index message_inbound_events_received_idx on message_inbound_events (received_at);

    -- Soft bounces in a row per address; three suppress it, a delivery or an open starts over.
    create table bounce_streaks (
      channel text not null check (channel in ('email','sms')),
      address text not null,
      soft_count int not null default 0,
      last_message_id uuid,
      last_at timestamptz not null,
      primary key (channel, address)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists bounce_streaks; drop table if exists message_inbound_events;
    drop index if exists messages_to_address_idx; drop index if exists message_events_touch_idx;
    drop table if exists message_attributions;
  `.execute(db);
}
