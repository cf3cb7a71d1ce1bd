import type { ColumnType, Generated, Selectable } from 'kysely';

/** Tables of migration 0020_support. */

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const TICKET_CHANNELS = ['email', 'chat', 'form', 'phone', 'social', 'api'] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
export type MessageDirection = 'inbound' | 'outbound' | 'internal';
export type AuthorType = 'customer' | 'agent' | 'system' | 'bot';
/** Statuses that count as finished: not in the working views, a new customer message reopens them. */
export const DONE_STATUSES: readonly TicketStatus[] = ['solved', 'closed'];

type Json = ColumnType<unknown, string | undefined, string>;
type Now = ColumnType<Date, Date | undefined, Date>;

export interface TicketsTable {
  id: string;
  number: Generated<number>;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  channel: TicketChannel;
  customer_id: string;
  requester_name: string | null;
  requester_email: string | null;
  requester_phone: string | null;
  requester_handle: string | null;
  assignee_id: string | null;
  team_id: string | null;
  tags: string[];
  custom_fields: Json;
  language: string | null;
  reply_token: string;
  merged_into: string | null;
  follow_up_of: string | null;
  external_thread: string | null;
  message_count: Generated<number>;
  preview: Generated<string>;
  last_message_at: Now;
  last_customer_message_at: Date | null;
  first_response_at: Date | null;
  last_agent_reply_at: Date | null;
  solved_at: Date | null;
  closed_at: Date | null;
  sla_policy_id: string | null;
  sla_first_response_due_at: Date | null;
  sla_resolution_due_at: Date | null;
  sla_due_at: Date | null;
  search: ColumnType<string, never, never>;
  created_at: Now;
  updated_at: Now;
}

export interface TicketMessagesTable {
  id: string;
  ticket_id: string;
  direction: MessageDirection;
  channel: TicketChannel;
  author_type: AuthorType;
  author_user_id: string | null;
  author_customer_id: string | null;
  author_name: string | null;
  from_address: string | null;
  to_addresses: string[];
  cc_addresses: string[];
  subject: string | null;
  body_text: string;
  body_html: string | null;
  message_id_header: string | null;
  in_reply_to: string | null;
  references: string[];
  external_id: string | null;
  mentions: string[];
  delivery_status: 'pending' | 'sent' | 'failed' | null;
  delivery_error: string | null;
  sent_at: Date | null;
  metadata: Json;
  created_at: Now;
}

export interface TicketAttachmentsTable {
  id: string;
  ticket_id: string;
  message_id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  storage_key: string;
  sha256: string;
  content_id: string | null;
  inline: Generated<boolean>;
  created_at: Now;
}

export interface TicketEventsTable {
  id: string;
  ticket_id: string;
  type: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string;
  data: Json;
  created_at: Now;
}

export interface SupportTeamsTable {
  id: string;
  name: string;
  created_at: Now;
  updated_at: Now;
}

export interface SupportTeamMembersTable {
  team_id: string;
  user_id: string;
  last_assigned_at: Date | null;
}

export interface SupportAgentsTable {
  user_id: string;
  available: boolean;
  updated_at: Now;
}

export type FieldType = 'text' | 'number' | 'boolean' | 'date' | 'select';

export interface TicketFieldDefinitionsTable {
  id: string;
  key: string;
  label: string;
  type: FieldType;
  options: string[];
  required: boolean;
  position: number;
  created_at: Now;
}

export interface TicketViewsTable {
  id: string;
  user_id: string | null;
  name: string;
  filters: Json;
  position: number;
  created_at: Now;
}

export interface SupportMacrosTable {
  id: string;
  name: string;
  body: string;
  actions: Json;
  usage_count: Generated<number>;
  created_by: string;
  created_at: Now;
  updated_at: Now;
}

export interface SupportRulesTable {
  id: string;
  name: string;
  enabled: boolean;
  trigger: 'created' | 'updated' | 'both';
  conditions: Json;
  actions: Json;
  stop_processing: boolean;
  position: number;
  created_at: Now;
  updated_at: Now;
}

export interface SupportNotificationsTable {
  id: string;
  user_id: string;
  type: string;
  ticket_id: string | null;
  message_id: string | null;
  text: string;
  read_at: Date | null;
  created_at: Now;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    tickets: TicketsTable;
    ticket_messages: TicketMessagesTable;
    ticket_attachments: TicketAttachmentsTable;
    ticket_events: TicketEventsTable;
    support_teams: SupportTeamsTable;
    support_team_members: SupportTeamMembersTable;
    support_agents: SupportAgentsTable;
    ticket_field_definitions: TicketFieldDefinitionsTable;
    ticket_views: TicketViewsTable;
    support_macros: SupportMacrosTable;
    support_rules: SupportRulesTable;
    support_notifications: SupportNotificationsTable;
  }
}

export type TicketRow = Selectable<TicketsTable>;
export type MessageRow = Selectable<TicketMessagesTable>;
export type AttachmentRow = Selectable<TicketAttachmentsTable>;
