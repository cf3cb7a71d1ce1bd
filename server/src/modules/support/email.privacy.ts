import { sql } from 'kysely';
import type { Executor, Tx } from '../../platform/db/db.ts';
import { attachmentStore } from './attachments.ts';

/** Where the email part keeps personal data: support_inbound_emails (originals, addresses) and support_attachment_blobs. */
export const emailPrivacy = {
  /** Received emails of the customer's tickets or from one of their email addresses. */
  async export(db: Executor, customerId: string) {
    return (await sql<{ id: string; received_at: Date; source: string; status: string; from_address: string | null; subject: string | null; message_id_header: string | null; ticket_id: string | null }>`
      select e.id, e.received_at, e.source, e.status, e.from_address, e.subject, e.message_id_header, e.ticket_id
      from support_inbound_emails e
      where e.ticket_id in (select id from tickets where customer_id = ${customerId})
         or lower(e.from_address) in (select lower(value) from customer_identities where customer_id = ${customerId} and kind = 'email')
      order by e.received_at, e.id`.execute(db)).rows;
  },

  /** Deletes those emails, the customer's tickets' attachment rows, and file contents nothing else refers to. */
  async erase(tx: Tx, customerId: string): Promise<{ inboundEmails: number; attachments: number }> {
    const del = await sql`
      delete from support_inbound_emails e
      where e.ticket_id in (select id from tickets where customer_id = ${customerId})
         or lower(e.from_address) in (select lower(value) from customer_identities where customer_id = ${customerId} and kind = 'email')`.execute(tx);
    const shas = (await tx.deleteFrom('ticket_attachments').where('ticket_id', 'in', (eb) => eb.selectFrom('tickets').select('id').where('customer_id', '=', customerId)).returning('sha256').execute()).map((r) => r.sha256);
    const blobs = await attachmentStore.collect(tx, [...new Set(shas)]);
    return { inboundEmails: Number(del.numAffectedRows ?? 0), attachments: blobs };
  },
};
