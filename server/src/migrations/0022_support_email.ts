import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Every email that reached Patron (SMTP receiver or an inbound-parse webhook), with what became of it.
    -- 'raw' keeps the original message: the full original of a ticket message (quotes included), the
    -- evidence for an auto-reply or spoofing decision, and the bytes of a message that could not be
    -- processed or was held by the flood limit, so an admin can look at it and process it again.
    create table support_inbound_emails (
      id uuid primary key,
      received_at timestamptz not null default now(),
      source text not null,
      status text not null check (status in ('ticket','reply','duplicate','auto_reply','bounce','rate_limited','failed','ignored')),
      reason text,
      mail_from text,
      rcpt_to text[] not null default '{}',
      from_address text,
      subject text,
      message_id_header text,
      ticket_id uuid references tickets(id) on delete set null,
      message_id uuid references ticket_messages(id) on delete set null,
      size_bytes int not null default 0,
      raw bytea,
      processed_at timestamptz
    );
    create index support_inbound_emails_received_idx on support_inbound_emails (received_at desc, id desc);
    create index support_inbound_emails_status_idx on support_inbound_emails (status, received_at desc) where status in ('failed','rate_limited');
    create index support_inbound_emails_message_idx on support_inbound_emails (message_id) where message_id is not null;
    create index support_inbound_emails_from_idx on support_inbound_emails (lower(from_address));

    -- Flood control: messages per sender per window, shared by every process.
    create table support_email_rate (
      sender text not null,
      window_start timestamptz not null,
      count int not null default 0,
      primary key (sender, window_start)
    );

    -- Attachment contents, content-addressed (ticket_attachments.storage_key = 'pg:<sha256>'): one copy of a
    -- file however many messages carry it, in the database every Patron process already shares and backs up.
    create table support_attachment_blobs (
      sha256 text primary key,
      size_bytes int not null,
      content bytea not null,
      created_at timestamptz not null default now()
    );

    -- Outgoing email replies. A row is committed as 'sending' before the SMTP hand-off, so a crash
    -- can never send a reply twice ('uncertain' = handed over, outcome unknown; never resent).
    create table support_email_outbox (
      message_id uuid primary key references ticket_messages(id) on delete cascade,
      ticket_id uuid not null references tickets(id) on delete cascade,
      status text not null default 'queued' check (status in ('queued','sending','sent','failed','uncertain')),
      attempts int not null default 0,
      send_after timestamptz not null default now(),
      claimed_at timestamptz,
      message_id_header text not null,
      last_error text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index support_email_outbox_due_idx on support_email_outbox (send_after) where status = 'queued';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists support_email_outbox; drop table if exists support_attachment_blobs;
    drop table if exists support_email_rate; drop table if exists support_inbound_emails;
  `.execute(db);
}
