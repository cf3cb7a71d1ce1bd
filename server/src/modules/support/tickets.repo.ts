import { sql, type Insertable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import type { AttachmentRow, MessageRow, TicketEventsTable, TicketMessagesTable, TicketRow, TicketsTable } from './tickets.tables.ts';

/** A ticket row with the names the API shows beside the ids. */
export type TicketListRow = TicketRow & { customer_name: string | null; assignee_name: string | null; team_name: string | null };

export const CUSTOMER_NAME = sql<string | null>`(select nullif(trim(coalesce(c.first_name,'') || ' ' || coalesce(c.last_name,'')), '') from customers c where c.id = t.customer_id)`;
export const ASSIGNEE_NAME = sql<string | null>`(select coalesce(nullif(u.name,''), u.email) from users u where u.id = t.assignee_id)`;
export const TEAM_NAME = sql<string | null>`(select st.name from support_teams st where st.id = t.team_id)`;

/** SQL of tickets, messages, attachments and ticket events. */
export const ticketsRepo = {
  async insertTicket(db: Executor, row: Insertable<TicketsTable>): Promise<TicketRow> {
    return db.insertInto('tickets').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async insertMessage(db: Executor, row: Insertable<TicketMessagesTable>): Promise<MessageRow> {
    return db.insertInto('ticket_messages').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async insertEvent(db: Executor, row: Insertable<TicketEventsTable>): Promise<void> {
    await db.insertInto('ticket_events').values(row).execute();
  },

  async get(db: Executor, id: string): Promise<TicketListRow | undefined> {
    return db.selectFrom('tickets as t').selectAll('t')
      .select([CUSTOMER_NAME.as('customer_name'), ASSIGNEE_NAME.as('assignee_name'), TEAM_NAME.as('team_name')])
      .where('t.id', '=', id).executeTakeFirst();
  },

  async getMany(db: Executor, ids: string[]): Promise<TicketListRow[]> {
    if (!ids.length) return [];
    return db.selectFrom('tickets as t').selectAll('t')
      .select([CUSTOMER_NAME.as('customer_name'), ASSIGNEE_NAME.as('assignee_name'), TEAM_NAME.as('team_name')])
      .where('t.id', 'in', ids).execute();
  },

  /** Locks the ticket row for a change (two agents acting at once serialise here). */
  async lock(db: Executor, id: string): Promise<TicketRow | undefined> {
    return db.selectFrom('tickets').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  },

  async update(db: Executor, id: string, set: Updateable<TicketsTable>): Promise<void> {
    await db.updateTable('tickets').set({ ...set, updated_at: new Date() }).where('id', '=', id).execute();
  },

  /** Adds words of a message to the ticket's search vector (capped, so a huge email cannot bloat it). */
  async addSearchText(db: Executor, id: string, text: string): Promise<void> {
    await sql`update tickets set search = search || to_tsvector('simple', left(${text}, 4000)) where id = ${id}`.execute(db);
  },

  async messages(db: Executor, ticketId: string): Promise<MessageRow[]> {
    return db.selectFrom('ticket_messages').selectAll().where('ticket_id', '=', ticketId).orderBy('created_at').orderBy('id').execute();
  },

  async message(db: Executor, id: string): Promise<MessageRow | undefined> {
    return db.selectFrom('ticket_messages').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async attachmentsOf(db: Executor, messageIds: string[]): Promise<AttachmentRow[]> {
    if (!messageIds.length) return [];
    return db.selectFrom('ticket_attachments').selectAll().where('message_id', 'in', messageIds).orderBy('created_at').execute();
  },

  async events(db: Executor, ticketId: string) {
    return db.selectFrom('ticket_events').selectAll().where('ticket_id', '=', ticketId).orderBy('created_at').orderBy('id').execute();
  },

  async byExternalId(db: Executor, channel: string, externalId: string): Promise<MessageRow | undefined> {
    return db.selectFrom('ticket_messages').selectAll().where('channel', '=', channel as MessageRow['channel']).where('external_id', '=', externalId).executeTakeFirst();
  },

  async byReplyToken(db: Executor, token: string): Promise<TicketRow | undefined> {
    return db.selectFrom('tickets').selectAll().where('reply_token', '=', token).executeTakeFirst();
  },

  /** The newest message carrying one of these Message-IDs (In-Reply-To / References of an inbound email). */
  async byMessageIdHeaders(db: Executor, headers: string[]): Promise<MessageRow | undefined> {
    if (!headers.length) return undefined;
    return db.selectFrom('ticket_messages').selectAll().where('message_id_header', 'in', headers).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  },

  /** Moves a merged-away customer's tickets and messages to the survivor; returns how many tickets moved. */
  async moveCustomer(db: Executor, from: string, to: string): Promise<number> {
    const t = await db.updateTable('tickets').set({ customer_id: to }).where('customer_id', '=', from).executeTakeFirst();
    await db.updateTable('ticket_messages').set({ author_customer_id: to }).where('author_customer_id', '=', from).execute();
    return Number(t.numUpdatedRows);
  },

  async updateMessage(db: Executor, id: string, set: Updateable<TicketMessagesTable>): Promise<void> {
    await db.updateTable('ticket_messages').set(set).where('id', '=', id).execute();
  },

  async notify(db: Executor, n: { userId: string; type: string; ticketId: string; messageId: string | null; text: string; at: Date }): Promise<void> {
    await db.insertInto('support_notifications').values({ id: newId(), user_id: n.userId, type: n.type, ticket_id: n.ticketId, message_id: n.messageId, text: n.text, read_at: null, created_at: n.at }).execute();
  },

  /** The newest open, unmerged ticket of a conversation on another system. */
  async openByThread(db: Executor, channel: TicketRow['channel'], thread: string): Promise<string | undefined> {
    const r = await db.selectFrom('tickets').select('id').where('channel', '=', channel).where('external_thread', '=', thread)
      .where('status', '<>', 'closed').where('merged_into', 'is', null).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
    return r?.id;
  },

  /** Locks two tickets in id order (two agents merging a pair both ways must not deadlock). */
  async lockPair(db: Executor, a: string, b: string): Promise<TicketRow[]> {
    return db.selectFrom('tickets').selectAll().where('id', 'in', [a, b]).orderBy('id').forUpdate().execute();
  },

  /** Moves a ticket's messages and attachments to another; returns how many messages moved. */
  async moveMessages(db: Executor, from: string, to: string): Promise<number> {
    const moved = await db.updateTable('ticket_messages').set({ ticket_id: to }).where('ticket_id', '=', from).executeTakeFirst();
    await db.updateTable('ticket_attachments').set({ ticket_id: to }).where('ticket_id', '=', from).execute();
    return Number(moved.numUpdatedRows);
  },

  /** The survivor of a merge takes the duplicate's counters, times, tags, search words and (if newer) preview. */
  async absorb(db: Executor, target: TicketRow, source: TicketRow, tags: string[]): Promise<void> {
    await sql`
      update tickets t set
        message_count = (select count(*) from ticket_messages m where m.ticket_id = t.id),
        last_message_at = greatest(t.last_message_at, ${source.last_message_at}::timestamptz),
        last_customer_message_at = nullif(greatest(coalesce(t.last_customer_message_at, '-infinity'), coalesce(${source.last_customer_message_at}::timestamptz, '-infinity')), '-infinity'),
        first_response_at = least(t.first_response_at, ${source.first_response_at}::timestamptz),
        tags = ${tags}::text[],
        search = t.search || (select s.search from tickets s where s.id = ${source.id}::uuid),
        preview = case when ${source.last_message_at}::timestamptz > t.last_message_at then ${source.preview} else t.preview end,
        updated_at = now()
      where t.id = ${target.id}`.execute(db);
  },

  async ticketIdsOf(db: Executor, customerId: string): Promise<string[]> {
    return (await db.selectFrom('tickets').select('id').where('customer_id', '=', customerId).orderBy('created_at').execute()).map((r) => r.id);
  },

  async storageKeysOf(db: Executor, customerId: string): Promise<string[]> {
    const rows = await db.selectFrom('ticket_attachments as a').innerJoin('tickets as t', 't.id', 'a.ticket_id').select('a.storage_key').where('t.customer_id', '=', customerId).execute();
    return rows.map((r) => r.storage_key);
  },

  /** Deletes a customer's tickets (messages, attachments and events go with them) and their messages on other tickets. */
  async deleteCustomer(db: Executor, customerId: string): Promise<number> {
    await db.deleteFrom('ticket_messages').where('author_customer_id', '=', customerId).execute();
    const r = await db.deleteFrom('tickets').where('customer_id', '=', customerId).executeTakeFirst();
    return Number(r.numDeletedRows);
  },

  async userNames(db: Executor, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await db.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r.name || r.email]));
  },

  async activeUserIds(db: Executor, ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await db.selectFrom('users').select('id').where('id', 'in', ids).where('status', '=', 'active').execute();
    return rows.map((r) => r.id);
  },

  async teamExists(db: Executor, id: string): Promise<boolean> {
    return !!(await db.selectFrom('support_teams').select('id').where('id', '=', id).executeTakeFirst());
  },
};
