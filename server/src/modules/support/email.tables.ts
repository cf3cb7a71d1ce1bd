import type { ColumnType, Selectable } from 'kysely';

/** Tables of migration 0022_support_email. */

type Now = ColumnType<Date, Date | undefined, Date>;

export const INBOUND_STATUSES = ['ticket', 'reply', 'duplicate', 'auto_reply', 'bounce', 'rate_limited', 'failed', 'ignored'] as const;
export type InboundStatus = (typeof INBOUND_STATUSES)[number];

export interface SupportInboundEmailsTable {
  id: string;
  received_at: Now;
  source: string;
  status: InboundStatus;
  reason: string | null;
  mail_from: string | null;
  rcpt_to: ColumnType<string[], string[] | undefined, string[]>;
  from_address: string | null;
  subject: string | null;
  message_id_header: string | null;
  ticket_id: string | null;
  message_id: string | null;
  size_bytes: ColumnType<number, number | undefined, number>;
  raw: Buffer | null;
  processed_at: Date | null;
}

export interface SupportEmailRateTable {
  sender: string;
  window_start: Date;
  count: number;
}

export interface SupportAttachmentBlobsTable {
  sha256: string;
  size_bytes: number;
  content: Buffer;
  created_at: Now;
}

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'uncertain';

export interface SupportEmailOutboxTable {
  message_id: string;
  ticket_id: string;
  status: OutboxStatus;
  attempts: ColumnType<number, number | undefined, number>;
  send_after: Now;
  claimed_at: Date | null;
  message_id_header: string;
  last_error: string | null;
  created_at: Now;
  updated_at: Now;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    support_inbound_emails: SupportInboundEmailsTable;
    support_email_rate: SupportEmailRateTable;
    support_attachment_blobs: SupportAttachmentBlobsTable;
    support_email_outbox: SupportEmailOutboxTable;
  }
}

export type InboundRow = Selectable<SupportInboundEmailsTable>;
export type OutboxRow = Selectable<SupportEmailOutboxTable>;
