import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A person in the chat widget. The server issues each one a signed token on first connect; the ids
    -- the tracking snippet stores (anonymous id, user id) are only claims, kept for matching and display.
    create table support_chat_visitors (
      id uuid primary key,
      anonymous_id text,
      user_id text,
      -- Verified: the store signed it (identity hash). Otherwise the address the visitor typed (a claim).
      email text,
      email_verified boolean not null default false,
      name text,
      customer_id uuid references customers(id) on delete set null,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now()
    );
    create index support_chat_visitors_anonymous_idx on support_chat_visitors (anonymous_id) where anonymous_id is not null;
    create index support_chat_visitors_customer_idx on support_chat_visitors (customer_id) where customer_id is not null;

    -- One chat. mode: bot (the self-service assistant answers), human (an agent; the chat is a ticket),
    -- offline (left as an email ticket), ended.
    create table support_chat_conversations (
      id uuid primary key,
      visitor_id uuid not null references support_chat_visitors(id) on delete cascade,
      ticket_id uuid references tickets(id) on delete set null,
      mode text not null default 'bot' check (mode in ('bot','human','offline','ended')),
      page_url text,
      page_title text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      last_message_at timestamptz not null default now()
    );
    create index support_chat_conversations_visitor_idx on support_chat_conversations (visitor_id, created_at desc);
    create index support_chat_conversations_ticket_idx on support_chat_conversations (ticket_id) where ticket_id is not null;
    create index support_chat_conversations_recent_idx on support_chat_conversations (last_message_at desc) where mode = 'human';

    -- The chat as the widget shows it (assistant turns included). Once the chat is a ticket, every visitor
    -- and agent message is also a ticket message (ticket_message_id). client_id: the widget's id of a
    -- message, so a resend after a reconnect is acknowledged again, never stored twice.
    create table support_chat_messages (
      id uuid primary key,
      conversation_id uuid not null references support_chat_conversations(id) on delete cascade,
      seq bigint generated always as identity,
      client_id text,
      author_type text not null check (author_type in ('visitor','assistant','agent','system')),
      author_user_id uuid,
      author_name text,
      body text not null,
      kind text,
      sources jsonb not null default '[]',
      ticket_message_id uuid,
      created_at timestamptz not null default now(),
      unique (conversation_id, client_id)
    );
    create index support_chat_messages_conversation_idx on support_chat_messages (conversation_id, seq);
    create unique index support_chat_messages_ticket_message_idx on support_chat_messages (ticket_message_id) where ticket_message_id is not null;

    -- Agents' chat availability: online while the agent's chat page beats (seen_at), away when they say so.
    create table support_chat_agents (
      user_id uuid primary key references users(id) on delete cascade,
      status text not null default 'online' check (status in ('online','away')),
      seen_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists support_chat_agents; drop table if exists support_chat_messages;
    drop table if exists support_chat_conversations; drop table if exists support_chat_visitors;
  `.execute(db);
}
