import type { ColumnType, Generated, Selectable } from 'kysely';

/** Tables of migration 0012_messaging (senders, templates, messages and what happened to them, suppressions, preferences). */

export type Channel = 'email' | 'sms';
export type MessageKind = 'marketing' | 'transactional';
export type MessagePurpose = 'campaign' | 'flow' | 'test' | 'transactional' | 'system';
export type MessageStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'skipped' | 'cancelled' | 'uncertain';
export type MessageEventType = 'delivered' | 'opened' | 'clicked' | 'bounced' | 'complained' | 'unsubscribed' | 'failed';
export type TemplateFormat = 'mjml' | 'html' | 'text';
export type SuppressionReason = 'hard_bounce' | 'complaint' | 'manual' | 'invalid';

type Json = ColumnType<unknown, string, string>;
type Now = ColumnType<Date, Date | undefined, Date>;

export interface MessageSendersTable {
  id: string;
  name: string;
  from_name: string;
  from_email: string;
  reply_to: string | null;
  is_default: Generated<boolean>;
  created_at: Now;
  updated_at: Now;
}

export interface MessageTemplatesTable {
  id: string;
  name: string;
  channel: Channel;
  kind: MessageKind;
  format: TemplateFormat;
  subject: Generated<string>;
  preheader: Generated<string>;
  body: string;
  sender_id: string | null;
  starter: string | null;
  version: Generated<number>;
  archived_at: Date | null;
  created_by: string;
  created_at: Now;
  updated_at: Now;
}

export interface MessageTemplateVersionsTable {
  template_id: string;
  version: number;
  format: TemplateFormat;
  subject: string;
  preheader: string;
  body: string;
  saved_by: string;
  saved_at: Now;
}

export interface MessagesTable {
  id: string;
  customer_id: string | null;
  channel: Channel;
  kind: MessageKind;
  purpose: MessagePurpose;
  dedupe_key: string;
  status: MessageStatus;
  skip_reason: string | null;
  send_after: Now;
  template_id: string | null;
  template_version: number | null;
  sender_id: string | null;
  campaign_id: string | null;
  variant: string | null;
  flow_id: string | null;
  flow_version: number | null;
  flow_run_id: string | null;
  flow_step_id: string | null;
  vars: Json;
  overrides: Json;
  to_override: string | null;
  topic: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  claimed_at: Date | null;
  transport: string | null;
  to_address: string | null;
  from_address: string | null;
  subject: string | null;
  html: string | null;
  text_body: string | null;
  headers: Json | null;
  provider_id: string | null;
  created_at: Now;
  sent_at: Date | null;
  delivered_at: Date | null;
  opened_at: Date | null;
  clicked_at: Date | null;
  bounced_at: Date | null;
  bounce_type: 'hard' | 'soft' | null;
  complained_at: Date | null;
  unsubscribed_at: Date | null;
}

export interface MessageEventsTable {
  id: string;
  message_id: string;
  customer_id: string | null;
  type: MessageEventType;
  occurred_at: Now;
  url: string | null;
  is_bot: Generated<boolean>;
  data: Json;
}

export interface SuppressionsTable {
  channel: Channel;
  address: string;
  reason: SuppressionReason;
  detail: string | null;
  source: string;
  customer_id: string | null;
  created_by: string;
  created_at: Now;
}

export interface EmailPreferencesTable {
  customer_id: string;
  topics_off: Generated<string[]>;
  paused_until: Date | null;
  updated_at: Now;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    message_senders: MessageSendersTable;
    message_templates: MessageTemplatesTable;
    message_template_versions: MessageTemplateVersionsTable;
    messages: MessagesTable;
    message_events: MessageEventsTable;
    suppressions: SuppressionsTable;
    email_preferences: EmailPreferencesTable;
  }
}

export type MessageRow = Selectable<MessagesTable>;
export type TemplateRow = Selectable<MessageTemplatesTable>;
export type SenderRow = Selectable<MessageSendersTable>;
