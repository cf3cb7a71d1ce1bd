import { sql } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import type { ChatMessageRow, ChatMode, ConversationRow, SupportChatMessagesTable, SupportChatVisitorsTable, VisitorRow } from './chat.tables.ts';
import type { Insertable, Updateable } from 'kysely';
import type { ChatMessage, ChatSummary } from './chat.schemas.ts';

/** An agent counts as online while their chat page beats at least this often. */
const ONLINE_WINDOW = '90 seconds';

export function toChatMessage(r: ChatMessageRow): ChatMessage {
  return {
    id: r.id, seq: Number(r.seq), clientId: r.client_id, author: r.author_type, authorName: r.author_name, authorUserId: r.author_user_id,
    text: r.body, kind: r.kind, sources: Array.isArray(r.sources) ? (r.sources as ChatMessage['sources']) : [], ticketMessageId: r.ticket_message_id,
    createdAt: r.created_at.toISOString(),
  };
}

/** SQL of live chat (migration 0023_support_chat). */
export const chatRepo = {
  visitor: (db: Executor, id: string) => db.selectFrom('support_chat_visitors').selectAll().where('id', '=', id).executeTakeFirst(),

  insertVisitor: (db: Executor, v: Insertable<SupportChatVisitorsTable>) => db.insertInto('support_chat_visitors').values(v).returningAll().executeTakeFirstOrThrow(),

  updateVisitor: (db: Executor, id: string, set: Updateable<SupportChatVisitorsTable>) =>
    db.updateTable('support_chat_visitors').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),

  conversation: (db: Executor, id: string) => db.selectFrom('support_chat_conversations').selectAll().where('id', '=', id).executeTakeFirst(),

  lockConversation: (db: Executor, id: string) => db.selectFrom('support_chat_conversations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),

  /** The visitor's chat still going on (a new one starts after a day of silence or once ended). */
  currentConversation: (db: Executor, visitorId: string) => db.selectFrom('support_chat_conversations').selectAll()
    .where('visitor_id', '=', visitorId).where('mode', '!=', 'ended').where('last_message_at', '>', sql<Date>`now() - interval '1 day'`)
    .orderBy('created_at', 'desc').limit(1).executeTakeFirst(),

  insertConversation: (db: Executor, c: { id: string; visitor_id: string; mode: ChatMode; page_url: string | null; page_title: string | null }) =>
    db.insertInto('support_chat_conversations').values(c).returningAll().executeTakeFirstOrThrow(),

  updateConversation: (db: Executor, id: string, set: Partial<Pick<ConversationRow, 'mode' | 'ticket_id' | 'last_message_at' | 'page_url' | 'page_title'>>) =>
    db.updateTable('support_chat_conversations').set({ ...set, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),

  byTicket: (db: Executor, ticketId: string) => db.selectFrom('support_chat_conversations').selectAll()
    .where('ticket_id', '=', ticketId).orderBy('created_at', 'desc').limit(1).executeTakeFirst(),

  /** Inserts unless the conversation already has this client id; returns the stored row either way. */
  async insertMessage(db: Executor, m: Insertable<SupportChatMessagesTable>): Promise<{ row: ChatMessageRow; created: boolean }> {
    const row = await db.insertInto('support_chat_messages').values(m).onConflict((oc) => oc.columns(['conversation_id', 'client_id']).doNothing()).returningAll().executeTakeFirst();
    if (row) return { row, created: true };
    const seen = await db.selectFrom('support_chat_messages').selectAll().where('conversation_id', '=', m.conversation_id).where('client_id', '=', m.client_id!).executeTakeFirstOrThrow();
    return { row: seen, created: false };
  },

  messageByClientId: (db: Executor, conversationId: string, clientId: string) => db.selectFrom('support_chat_messages').selectAll()
    .where('conversation_id', '=', conversationId).where('client_id', '=', clientId).executeTakeFirst(),

  messageByTicketMessage: (db: Executor, ticketMessageId: string) => db.selectFrom('support_chat_messages').selectAll().where('ticket_message_id', '=', ticketMessageId).executeTakeFirst(),

  /** The chat's visitor messages without their ticket copy, oldest first. */
  unmirrored: (db: Executor, conversationId: string) => db.selectFrom('support_chat_messages').selectAll()
    .where('conversation_id', '=', conversationId).where('author_type', '=', 'visitor').where('ticket_message_id', 'is', null).orderBy('seq').execute(),

  linkTicketMessage: (db: Executor, id: string, ticketMessageId: string) =>
    db.updateTable('support_chat_messages').set({ ticket_message_id: ticketMessageId }).where('id', '=', id).execute(),

  /** Messages after `afterSeq`, oldest first (the last `limit` when there are more). */
  async messages(db: Executor, conversationId: string, afterSeq = 0, limit = 200): Promise<ChatMessageRow[]> {
    const rows = await db.selectFrom('support_chat_messages').selectAll().where('conversation_id', '=', conversationId).where('seq', '>', String(afterSeq))
      .orderBy('seq', 'desc').limit(limit).execute();
    return rows.reverse();
  },

  async list(db: Executor, mode: ChatMode | 'all', limit: number): Promise<ChatSummary[]> {
    let q = db.selectFrom('support_chat_conversations as c')
      .innerJoin('support_chat_visitors as v', 'v.id', 'c.visitor_id')
      .leftJoin('tickets as t', 't.id', 'c.ticket_id')
      .select(['c.id', 'c.mode', 'c.ticket_id', 'c.page_url', 'c.page_title', 'c.created_at', 'c.last_message_at',
        'v.id as visitor_id', 'v.name', 'v.email', 'v.email_verified', 'v.customer_id', 't.number', 't.status'])
      .select((eb) => eb.selectFrom('support_chat_messages as m').select('m.body').whereRef('m.conversation_id', '=', 'c.id').orderBy('m.seq', 'desc').limit(1).as('preview'))
      .orderBy('c.last_message_at', 'desc').limit(limit);
    if (mode !== 'all') q = q.where('c.mode', '=', mode);
    const rows = await q.execute();
    return rows.map((r) => ({
      id: r.id, mode: r.mode, ticketId: r.ticket_id, ticketNumber: r.number === null ? null : Number(r.number), ticketStatus: r.status,
      visitor: { id: r.visitor_id, name: r.name, email: r.email, emailVerified: r.email_verified, customerId: r.customer_id },
      pageUrl: r.page_url, pageTitle: r.page_title, preview: r.preview ? r.preview.slice(0, 140) : null,
      createdAt: r.created_at.toISOString(), lastMessageAt: r.last_message_at.toISOString(),
    }));
  },

  async summary(db: Executor, id: string): Promise<ChatSummary | undefined> {
    const c = await chatRepo.conversation(db, id);
    if (!c) return undefined;
    const v = (await chatRepo.visitor(db, c.visitor_id))!;
    const t = c.ticket_id ? await db.selectFrom('tickets').select(['number', 'status']).where('id', '=', c.ticket_id).executeTakeFirst() : undefined;
    const last = await db.selectFrom('support_chat_messages').select('body').where('conversation_id', '=', id).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return {
      id: c.id, mode: c.mode, ticketId: c.ticket_id, ticketNumber: t ? Number(t.number) : null, ticketStatus: t?.status ?? null,
      visitor: { id: v.id, name: v.name, email: v.email, emailVerified: v.email_verified, customerId: v.customer_id },
      pageUrl: c.page_url, pageTitle: c.page_title, preview: last ? last.body.slice(0, 140) : null,
      createdAt: c.created_at.toISOString(), lastMessageAt: c.last_message_at.toISOString(),
    };
  },

  async agentsOnline(db: Executor): Promise<number> {
    const r = await db.selectFrom('support_chat_agents as a').leftJoin('support_agents as s', 's.user_id', 'a.user_id')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('a.status', '=', 'online').where('a.seen_at', '>', sql<Date>`now() - ${sql.raw(`interval '${ONLINE_WINDOW}'`)}`)
      .where((eb) => eb.or([eb('s.available', 'is', null), eb('s.available', '=', true)]))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },

  setAgent: (db: Executor, userId: string, status: 'online' | 'away') => db.insertInto('support_chat_agents').values({ user_id: userId, status, seen_at: new Date() })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ status, seen_at: new Date() })).execute(),

  visitorsOfCustomer: (db: Executor, customerId: string): Promise<VisitorRow[]> => db.selectFrom('support_chat_visitors').selectAll().where('customer_id', '=', customerId).execute(),

  conversationsOfVisitors: (db: Executor, visitorIds: string[]) => visitorIds.length
    ? db.selectFrom('support_chat_conversations').selectAll().where('visitor_id', 'in', visitorIds).orderBy('created_at').execute()
    : Promise.resolve([] as ConversationRow[]),

  async moveCustomer(db: Executor, from: string, to: string): Promise<number> {
    const r = await db.updateTable('support_chat_visitors').set({ customer_id: to }).where('customer_id', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows);
  },

  deleteVisitors: (db: Executor, ids: string[]) => ids.length ? db.deleteFrom('support_chat_visitors').where('id', 'in', ids).execute() : Promise.resolve([]),
};
