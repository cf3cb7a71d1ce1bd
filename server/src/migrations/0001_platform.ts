import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table users (
      id uuid primary key,
      email text not null,
      name text not null default '',
      role text not null check (role in ('owner','admin','marketer','support','sales','analyst')),
      password_hash text,
      status text not null default 'active' check (status in ('invited','active','deactivated')),
      invite_token_hash text,
      invite_expires_at timestamptz,
      failed_logins int not null default 0,
      locked_until timestamptz,
      last_login_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index users_email_key on users (lower(email));
    create unique index users_invite_token_key on users (invite_token_hash) where invite_token_hash is not null;

    create table sessions (
      token_hash text primary key,
      user_id uuid not null references users(id) on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null,
      ip text,
      user_agent text
    );
    create index sessions_user_idx on sessions (user_id);
    create index sessions_expires_idx on sessions (expires_at);

    create table api_keys (
      id uuid primary key,
      name text not null,
      kind text not null check (kind in ('secret','public')),
      prefix text not null,
      key_hash text not null unique,
      scopes text[] not null default '{}',
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );

    create table audit_log (
      id uuid primary key,
      at timestamptz not null default now(),
      actor_type text not null check (actor_type in ('user','api_key','system','cli')),
      actor_id text,
      actor_label text not null default '',
      action text not null,
      entity_type text not null,
      entity_id text,
      summary text not null default '',
      before jsonb,
      after jsonb,
      ip text,
      request_id text
    );
    create index audit_log_at_idx on audit_log (at desc, id desc);
    create index audit_log_actor_idx on audit_log (actor_id, at desc);
    create index audit_log_entity_idx on audit_log (entity_type, entity_id, at desc);
    create index audit_log_action_idx on audit_log (action, at desc);

    create table settings (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    );

    -- The one activity stream per customer (ARCHITECTURE.md §2). customer_id gets its
    -- foreign key when the customers table arrives.
    create table activities (
      id uuid primary key,
      customer_id uuid not null,
      type text not null,
      occurred_at timestamptz not null,
      received_at timestamptz not null default now(),
      source text not null,
      properties jsonb not null default '{}'::jsonb,
      dedupe_key text
    );
    create index activities_customer_time_idx on activities (customer_id, occurred_at desc, id desc);
    create index activities_type_time_idx on activities (type, occurred_at desc);
    create unique index activities_dedupe_key on activities (dedupe_key) where dedupe_key is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table activities, settings, audit_log, api_keys, sessions, users`.execute(db);
}
