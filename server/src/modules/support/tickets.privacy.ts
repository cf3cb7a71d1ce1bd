import type { Db, Tx } from '../../platform/db/db.ts';
import { toMessage, toTicket } from './tickets.map.ts';
import { ticketsRepo } from './tickets.repo.ts';
import type { Ticket, TicketMessage } from './tickets.schemas.ts';

/** Runs before a customer's tickets are erased, with the attachments' storage keys (the email part deletes the files). */
export type EraseListener = (tx: Tx, e: { customerId: string; storageKeys: string[] }) => Promise<void>;

/**
 * Personal data in the support core: tickets (requester name, email, phone, handle), their messages and
 * attachments, notifications that quote them. Export gives the customer what they wrote and were sent
 * (internal notes are agents' working notes about the case and are included, as data about them).
 */
export class TicketsPrivacy {
  private readonly db: Db;
  private readonly eraseListeners: EraseListener[] = [];

  constructor(db: Db) {
    this.db = db;
  }

  onErase(l: EraseListener): void {
    this.eraseListeners.push(l);
  }

  async exportCustomer(customerId: string): Promise<{ tickets: (Ticket & { messages: TicketMessage[] })[] }> {
    const ids = await ticketsRepo.ticketIdsOf(this.db, customerId);
    const rows = await ticketsRepo.getMany(this.db, ids);
    const out: (Ticket & { messages: TicketMessage[] })[] = [];
    for (const r of rows) {
      const msgs = await ticketsRepo.messages(this.db, r.id);
      const atts = await ticketsRepo.attachmentsOf(this.db, msgs.map((m) => m.id));
      out.push({ ...toTicket(r), messages: msgs.map((m) => toMessage(m, atts)) });
    }
    return { tickets: out };
  }

  /** Deletes the customer's tickets with their messages, attachments and events; returns how many tickets. */
  async eraseCustomer(customerId: string, tx?: Tx): Promise<{ tickets: number; attachments: number }> {
    const run = async (tx: Tx) => {
      const storageKeys = await ticketsRepo.storageKeysOf(tx, customerId);
      for (const l of this.eraseListeners) await l(tx, { customerId, storageKeys });
      // Messages this customer wrote on someone else's ticket (a merged duplicate) go too.
      return { tickets: await ticketsRepo.deleteCustomer(tx, customerId), attachments: storageKeys.length };
    };
    return tx ? run(tx) : this.db.transaction().execute(run);
  }
}
