import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A store that sends us webhooks. The secrets are needed in clear to compute HMACs, so they
    -- are stored as given and never returned by the API (only a hint of the last characters).
    create table store_connections (
      id uuid primary key,
      platform text not null check (platform in ('shopify','woocommerce','bigcommerce')),
      name text not null,
      store_url text not null,
      webhook_secret text not null,
      api_store_hash text,
      api_access_token text,
      api_base_url text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      last_delivery_at timestamptz
    );

    -- Every signed webhook we accepted: the dedupe key (a redelivery changes nothing), what
    -- became of it, and the payload until it is pruned.
    create table webhook_deliveries (
      id uuid primary key,
      connection_id uuid not null references store_connections(id) on delete cascade,
      delivery_id text not null,
      topic text not null,
      received_at timestamptz not null default now(),
      outcome text not null check (outcome in ('pending','processed','ignored','stale','failed','rejected')),
      attempts int not null default 0,
      error text,
      note text,
      payload jsonb,
      resource_type text,
      resource_id text,
      resource_updated_at timestamptz,
      processed_at timestamptz,
      unique (connection_id, delivery_id)
    );
    create index webhook_deliveries_recent_idx on webhook_deliveries (connection_id, received_at desc, id desc);
    create index webhook_deliveries_resource_idx on webhook_deliveries (connection_id, resource_type, resource_id, resource_updated_at desc)
      where outcome = 'processed';
    create index webhook_deliveries_received_idx on webhook_deliveries (received_at);

    -- Outbound: endpoints that receive the activity stream, signed with Standard Webhooks.
    create table webhook_subscriptions (
      id uuid primary key,
      url text not null,
      description text not null default '',
      activity_types text[] not null,
      secret text not null,
      enabled boolean not null default true,
      consecutive_failures int not null default 0,
      failing_since timestamptz,
      last_success_at timestamptz,
      last_failure_at timestamptz,
      disabled_at timestamptz,
      disabled_reason text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index webhook_subscriptions_enabled_idx on webhook_subscriptions (enabled);

    create table webhook_subscription_deliveries (
      id uuid primary key,
      subscription_id uuid not null references webhook_subscriptions(id) on delete cascade,
      message_id text not null,
      activity_id uuid,
      event_type text not null,
      attempt int not null,
      test boolean not null default false,
      succeeded boolean not null,
      status_code int,
      response_ms int,
      error text,
      response_excerpt text,
      created_at timestamptz not null default now()
    );
    create index webhook_subscription_deliveries_recent_idx on webhook_subscription_deliveries (subscription_id, created_at desc, id desc);
    create index webhook_subscription_deliveries_created_idx on webhook_subscription_deliveries (created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table webhook_subscription_deliveries, webhook_subscriptions, webhook_deliveries, store_connections`.execute(db);
}
