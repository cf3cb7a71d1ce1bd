import { sql } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import type { InboundRow, InboundStatus, OutboxRow, SupportInboundEmailsTable } from './email.tables.ts';
import type { Insertable } from 'kysely';

/** SQL of the email part. */
export const emailRepo = {
  async insertInbound(db: Executor, row: Insertable<SupportInboundEmailsTable>): Promise<void> {
    await db.insertInto('support_inbound_emails').values(row).execute();
  },

  inbound(db: Executor, id: string): Promise<InboundRow | undefined> {
    return db.selectFrom('support_inbound_emails').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** The stored original of a ticket message that came by email. */
  async rawOfMessage(db: Executor, messageId: string): Promise<Buffer | null> {
    const r = await db.selectFrom('support_inbound_emails').select('raw').where('message_id', '=', messageId).orderBy('received_at').executeTakeFirst();
    return r?.raw ?? null;
  },

  async listInbound(db: Executor, q: { status?: InboundStatus; before?: { t: Date; id: string }; limit: number }): Promise<Omit<InboundRow, 'raw'>[]> {
    let query = db.selectFrom('support_inbound_emails').select(['id', 'received_at', 'source', 'status', 'reason', 'mail_from', 'rcpt_to', 'from_address', 'subject', 'message_id_header', 'ticket_id', 'message_id', 'size_bytes', 'processed_at']);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.before) query = query.where(sql<boolean>`(received_at, id) < (${q.before.t}, ${q.before.id}::uuid)`);
    return query.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
  },

  /** Counts one message from `sender` in the current window; returns the count including it. */
  async countSender(db: Executor, sender: string, windowMinutes: number): Promise<number> {
    const r = await sql<{ count: number }>`
      insert into support_email_rate (sender, window_start, count)
      values (${sender}, to_timestamp(floor(extract(epoch from now()) / ${windowMinutes * 60}) * ${windowMinutes * 60}), 1)
      on conflict (sender, window_start) do update set count = support_email_rate.count + 1
      returning count`.execute(db);
    return r.rows[0]!.count;
  },

  async pruneRates(db: Executor): Promise<void> {
    await sql`delete from support_email_rate where window_start < now() - interval '2 days'`.execute(db);
  },

  /** Whether `address` already takes part in the ticket: its requester, or a sender or recipient of one of its messages. */
  async isParticipant(db: Executor, ticketId: string, address: string): Promise<boolean> {
    const a = address.toLowerCase();
    const r = await sql<{ ok: boolean }>`
      select exists (select 1 from tickets t where t.id = ${ticketId} and lower(t.requester_email) = ${a})
        or exists (select 1 from tickets t join customers c on c.id = t.customer_id where t.id = ${ticketId} and lower(c.email) = ${a})
        or exists (select 1 from ticket_messages m where m.ticket_id = ${ticketId} and m.direction <> 'internal'
                   and (lower(m.from_address) = ${a} or ${a} = any(m.to_addresses) or ${a} = any(m.cc_addresses))) as ok`.execute(db);
    return !!r.rows[0]?.ok;
  },

  async setBodyHtml(db: Executor, messageId: string, html: string): Promise<void> {
    await db.updateTable('ticket_messages').set({ body_html: html }).where('id', '=', messageId).execute();
  },

  /** Our Message-ID on an outgoing reply, recorded as soon as it is queued so the customer's answer threads by it. */
  async setMessageIdHeader(db: Executor, messageId: string, header: string, inReplyTo: string | null, references: string[]): Promise<void> {
    await db.updateTable('ticket_messages').set({ message_id_header: header, in_reply_to: inReplyTo, references }).where('id', '=', messageId).execute();
  },

  /** The email thread of a ticket so far: Message-IDs of its messages in order, and the latest inbound one. */
  async thread(db: Executor, ticketId: string, before: Date): Promise<{ ids: string[]; lastInbound: string | null; lastRefs: string[] }> {
    const rows = await db.selectFrom('ticket_messages').select(['message_id_header', 'direction', 'references']).where('ticket_id', '=', ticketId)
      .where('direction', '<>', 'internal').where('message_id_header', 'is not', null).where('created_at', '<=', before).orderBy('created_at').orderBy('id').execute();
    const lastIn = [...rows].reverse().find((r) => r.direction === 'inbound');
    return { ids: rows.map((r) => r.message_id_header!), lastInbound: lastIn?.message_id_header ?? null, lastRefs: lastIn?.references ?? [] };
  },

  async enqueueOutbox(db: Executor, r: { message_id: string; ticket_id: string; message_id_header: string }): Promise<boolean> {
    const res = await db.insertInto('support_email_outbox').values({ ...r, status: 'queued', claimed_at: null, last_error: null }).onConflict((oc) => oc.column('message_id').doNothing()).executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  },

  /** Claims due replies (safe with many workers): committed as 'sending' before any SMTP hand-off. */
  async claim(db: Executor, limit: number): Promise<OutboxRow[]> {
    return (await sql<OutboxRow>`
      update support_email_outbox o set status = 'sending', claimed_at = now(), attempts = o.attempts + 1, updated_at = now()
      where o.message_id in (select message_id from support_email_outbox where status = 'queued' and send_after <= now() order by send_after limit ${limit} for update skip locked)
      returning o.*`.execute(db)).rows;
  },

  async settle(db: Executor, messageId: string, status: 'queued' | 'sent' | 'failed' | 'uncertain', error: string | null, retryAt?: Date): Promise<void> {
    await db.updateTable('support_email_outbox').set({ status, last_error: error, updated_at: new Date(), ...(retryAt ? { send_after: retryAt } : {}) }).where('message_id', '=', messageId).execute();
  },

  /** Hand-offs whose process died: never resent (at most once), marked uncertain. */
  async sweepStuck(db: Executor, olderThan: Date): Promise<string[]> {
    const r = await sql<{ message_id: string }>`update support_email_outbox set status = 'uncertain', last_error = 'The sending process stopped during hand-off; not resent, to never send twice', updated_at = now()
      where status = 'sending' and claimed_at < ${olderThan} returning message_id`.execute(db);
    return r.rows.map((x) => x.message_id);
  },
};
