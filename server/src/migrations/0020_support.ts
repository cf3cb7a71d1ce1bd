import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// The support core: tickets, their messages and attachments, teams, macros, rules, custom fields,
// saved views and agents' notifications. Rules and lifecycle: docs/support.md, "Inbox and tickets".
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table support_teams (
      id uuid primary key,
      name text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index support_teams_name_key on support_teams (lower(name));

    -- Who is in a team; last_assigned_at drives round-robin (the least recently assigned available member next).
    create table support_team_members (
      team_id uuid not null references support_teams(id) on delete cascade,
      user_id uuid not null references users(id) on delete cascade,
      last_assigned_at timestamptz,
      primary key (team_id, user_id)
    );
    create index support_team_members_user_idx on support_team_members (user_id);

    -- An agent's availability for round-robin (absent row: available).
    create table support_agents (
      user_id uuid primary key references users(id) on delete cascade,
      available boolean not null default true,
      updated_at timestamptz not null default now()
    );

    create table tickets (
      id uuid primary key,
      -- The number people say ("ticket #1042").
      number bigint generated always as identity unique,
      subject text not null,
      status text not null default 'new' check (status in ('new','open','pending','on_hold','solved','closed')),
      priority text not null default 'normal' check (priority in ('low','normal','high','urgent')),
      channel text not null check (channel in ('email','chat','form','phone','social','api')),
      customer_id uuid not null references customers(id) on delete cascade,
      -- How to reach the requester on this conversation's channel (the address they wrote from, a social handle).
      requester_name text,
      requester_email text,
      requester_phone text,
      requester_handle text,
      assignee_id uuid references users(id) on delete set null,
      team_id uuid references support_teams(id) on delete set null,
      tags text[] not null default '{}',
      custom_fields jsonb not null default '{}'::jsonb,
      language text,
      -- Random token put in reply addresses (support+<token>@…) so replies thread even without headers.
      reply_token text not null unique,
      merged_into uuid references tickets(id) on delete set null,
      follow_up_of uuid references tickets(id) on delete set null,
      -- The conversation on another system (a social thread, a chat session): its messages join this ticket while open.
      external_thread text,
      message_count int not null default 0,
      -- The last public message, for the inbox list.
      preview text not null default '',
      last_message_at timestamptz not null default now(),
      last_customer_message_at timestamptz,
      first_response_at timestamptz,
      last_agent_reply_at timestamptz,
      solved_at timestamptz,
      closed_at timestamptz,
      -- SLA (filled by the SLA part, migration 0024): the policy, its targets and the next deadline.
      sla_policy_id uuid,
      sla_first_response_due_at timestamptz,
      sla_resolution_due_at timestamptz,
      sla_due_at timestamptz,
      search tsvector not null default ''::tsvector,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    -- Inbox views sort by last_message_at desc, id desc, and page by keyset on the same pair.
    create index tickets_activity_idx on tickets (last_message_at desc, id desc);
    create index tickets_status_idx on tickets (status, last_message_at desc, id desc);
    create index tickets_assignee_idx on tickets (assignee_id, last_message_at desc, id desc) where status not in ('solved','closed');
    create index tickets_unassigned_idx on tickets (last_message_at desc, id desc) where assignee_id is null and status not in ('solved','closed');
    create index tickets_team_idx on tickets (team_id, last_message_at desc, id desc) where status not in ('solved','closed');
    create index tickets_open_idx on tickets (last_message_at desc, id desc) where status not in ('solved','closed');
    -- The inbox's view counts (mine, unassigned, SLA at risk, pending) as an index-only scan of the backlog.
    create index tickets_backlog_counts_idx on tickets (assignee_id, status, sla_due_at) where status not in ('solved','closed');
    create index tickets_sla_idx on tickets (sla_due_at) where sla_due_at is not null and status not in ('solved','closed');
    create index tickets_tags_idx on tickets using gin (tags);
    create index tickets_search_idx on tickets using gin (search);
    create index tickets_customer_idx on tickets (customer_id, created_at desc);
    create index tickets_merged_idx on tickets (merged_into) where merged_into is not null;
    create index tickets_thread_idx on tickets (channel, external_thread, created_at desc) where external_thread is not null;

    create table ticket_messages (
      id uuid primary key,
      ticket_id uuid not null references tickets(id) on delete cascade,
      -- inbound: from the customer; outbound: to the customer; internal: an agents-only note.
      direction text not null check (direction in ('inbound','outbound','internal')),
      channel text not null check (channel in ('email','chat','form','phone','social','api')),
      author_type text not null check (author_type in ('customer','agent','system','bot')),
      author_user_id uuid references users(id) on delete set null,
      author_customer_id uuid references customers(id) on delete cascade,
      author_name text,
      -- The address or handle it came from or went to.
      from_address text,
      to_addresses text[] not null default '{}',
      cc_addresses text[] not null default '{}',
      subject text,
      body_text text not null default '',
      -- Sanitised before it is stored (sanitize-html); never raw customer HTML.
      body_html text,
      -- Email threading (RFC 5322): this message's Message-ID, the one it replies to, and the chain.
      message_id_header text,
      in_reply_to text,
      "references" text[] not null default '{}',
      -- A message id on another system (social network, chat, API caller): retries store it once.
      external_id text,
      mentions uuid[] not null default '{}',
      -- Outbound delivery: null for inbound and notes.
      delivery_status text check (delivery_status in ('pending','sent','failed')),
      delivery_error text,
      sent_at timestamptz,
      metadata jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now()
    );
    create index ticket_messages_ticket_idx on ticket_messages (ticket_id, created_at, id);
    create index ticket_messages_msgid_idx on ticket_messages (message_id_header) where message_id_header is not null;
    create unique index ticket_messages_external_key on ticket_messages (channel, external_id) where external_id is not null;
    create index ticket_messages_customer_idx on ticket_messages (author_customer_id) where author_customer_id is not null;

    create table ticket_attachments (
      id uuid primary key,
      ticket_id uuid not null references tickets(id) on delete cascade,
      message_id uuid not null references ticket_messages(id) on delete cascade,
      filename text not null,
      content_type text not null,
      size_bytes bigint not null check (size_bytes >= 0),
      -- Where the bytes are (relative to the attachment store); served only to agents.
      storage_key text not null,
      sha256 text not null,
      -- Inline images referenced as cid: in the HTML.
      content_id text,
      inline boolean not null default false,
      created_at timestamptz not null default now()
    );
    create index ticket_attachments_message_idx on ticket_attachments (message_id);
    create index ticket_attachments_ticket_idx on ticket_attachments (ticket_id);

    -- What happened to a ticket besides messages: status, assignment, tags, merges, rules (the ticket's history).
    create table ticket_events (
      id uuid primary key,
      ticket_id uuid not null references tickets(id) on delete cascade,
      type text not null,
      actor_type text not null,
      actor_id uuid,
      actor_label text not null,
      data jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now()
    );
    create index ticket_events_ticket_idx on ticket_events (ticket_id, created_at);
    create index ticket_events_type_idx on ticket_events (type, created_at);

    -- Custom ticket fields, typed; values live in tickets.custom_fields by key.
    create table ticket_field_definitions (
      id uuid primary key,
      key text not null unique check (key ~ '^[a-z][a-z0-9_]{0,49}$'),
      label text not null,
      type text not null check (type in ('text','number','boolean','date','select')),
      options text[] not null default '{}',
      required boolean not null default false,
      position int not null default 0,
      created_at timestamptz not null default now()
    );

    -- Saved inbox views: a filter, private to one agent (user_id) or shared (null).
    create table ticket_views (
      id uuid primary key,
      user_id uuid references users(id) on delete cascade,
      name text not null,
      filters jsonb not null,
      position int not null default 0,
      created_at timestamptz not null default now()
    );
    create index ticket_views_user_idx on ticket_views (user_id);

    create table support_macros (
      id uuid primary key,
      name text not null,
      -- Liquid, rendered with the ticket, customer and last order.
      body text not null default '',
      -- {"status":…,"addTags":[…],"removeTags":[…],"assigneeId":…,"teamId":…,"priority":…}
      actions jsonb not null default '{}'::jsonb,
      usage_count int not null default 0,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index support_macros_name_key on support_macros (lower(name));

    create table support_rules (
      id uuid primary key,
      name text not null,
      enabled boolean not null default true,
      -- created: on new tickets; updated: on customer messages to existing ones; both.
      trigger text not null default 'created' check (trigger in ('created','updated','both')),
      -- {"all":[{"field":"channel","op":"is","value":"email"},…]}
      conditions jsonb not null,
      -- [{"type":"assign_team","teamId":…},{"type":"round_robin","teamId":…},…]
      actions jsonb not null,
      stop_processing boolean not null default false,
      position int not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    -- An agent's in-app notifications (mentions, assignments).
    create table support_notifications (
      id uuid primary key,
      user_id uuid not null references users(id) on delete cascade,
      type text not null,
      ticket_id uuid references tickets(id) on delete cascade,
      message_id uuid references ticket_messages(id) on delete cascade,
      text text not null,
      read_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index support_notifications_user_idx on support_notifications (user_id, created_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists support_notifications; drop table if exists support_rules; drop table if exists support_macros;
    drop table if exists ticket_views; drop table if exists ticket_field_definitions; drop table if exists ticket_events;
    drop table if exists ticket_attachments; drop table if exists ticket_messages; drop table if exists tickets;
    drop table if exists support_agents; drop table if exists support_team_members; drop table if exists support_teams;
  `.execute(db);
}
