import type { ColumnType, Generated, Selectable } from 'kysely';

/** Tables of migration 0023_support_chat. */

type Json = ColumnType<unknown, string | undefined, string>;
type Now = ColumnType<Date, Date | undefined, Date>;

export type ChatMode = 'bot' | 'human' | 'offline' | 'ended';
export type ChatAuthor = 'visitor' | 'assistant' | 'agent' | 'system';

export interface SupportChatVisitorsTable {
  id: string;
  anonymous_id: string | null;
  user_id: string | null;
  email: string | null;
  email_verified: boolean;
  name: string | null;
  customer_id: string | null;
  created_at: Now;
  last_seen_at: Now;
}

export interface SupportChatConversationsTable {
  id: string;
  visitor_id: string;
  ticket_id: string | null;
  mode: ChatMode;
  page_url: string | null;
  page_title: string | null;
  created_at: Now;
  updated_at: Now;
  last_message_at: Now;
}

export interface SupportChatMessagesTable {
  id: string;
  conversation_id: string;
  seq: Generated<string>;
  client_id: string | null;
  author_type: ChatAuthor;
  author_user_id: string | null;
  author_name: string | null;
  body: string;
  kind: string | null;
  sources: Json;
  ticket_message_id: string | null;
  created_at: Now;
}

export interface SupportChatAgentsTable {
  user_id: string;
  status: 'online' | 'away';
  seen_at: Now;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    support_chat_visitors: SupportChatVisitorsTable;
    support_chat_conversations: SupportChatConversationsTable;
    support_chat_messages: SupportChatMessagesTable;
    support_chat_agents: SupportChatAgentsTable;
  }
}

export type VisitorRow = Selectable<SupportChatVisitorsTable>;
export type ConversationRow = Selectable<SupportChatConversationsTable>;
export type ChatMessageRow = Selectable<SupportChatMessagesTable>;
