import type { Actor } from '../../platform/audit/audit.ts';
import type { Tx } from '../../platform/db/db.ts';
import { claimKey, normaliseClaims, type CustomersModule } from '../customers/index.ts';
import { chatRepo } from './chat.repo.ts';
import type { ChatMessageRow, ConversationRow, VisitorRow } from './chat.tables.ts';
import type { TicketService } from './tickets.service.ts';

/** The visitor as an actor: chats have no logged-in person on the customer's side. */
export const visitorActor = (v: VisitorRow): Actor => ({ type: 'system', id: null, label: `chat visitor ${v.id.slice(0, 8)}` });

/** Writes a chat onto its ticket: the ticket with the transcript at handover, then each visitor message. */
export class ChatTicketWriter {
  private readonly tickets: TicketService;
  private readonly customers: Pick<CustomersModule, 'service' | 'bulk'>;

  constructor(tickets: TicketService, customers: Pick<CustomersModule, 'service' | 'bulk'>) {
    this.tickets = tickets;
    this.customers = customers;
  }

  /** The ticket for a chat, with every message so far (visitor turns inbound, the assistant's as the bot's). */
  async openTicket(tx: Tx, v: VisitorRow, c: ConversationRow, transcript: ChatMessageRow[], email: string | null): Promise<string> {
    const turns = transcript.filter((m) => m.author_type === 'visitor' || m.author_type === 'assistant');
    const first = turns.find((m) => m.author_type === 'visitor');
    const subject = first ? `Chat: ${first.body.replace(/\s+/g, ' ').slice(0, 80)}` : `Chat with ${v.name ?? v.email ?? 'a visitor'}`;
    const actor = visitorActor(v);
    const address = v.email ?? email ?? undefined;
    const created = await this.tickets.createTicket(actor, {
      channel: 'chat', subject, source: 'chat',
      requester: address ? { email: address, name: v.name ?? undefined } : { customerId: await this.anonymousCustomer(tx, v, actor), name: v.name ?? undefined },
      message: {
        direction: 'inbound', authorType: 'customer', authorName: v.name ?? undefined, bodyText: first?.body ?? 'The visitor asked to talk to a person.',
        externalId: first ? `chat:${first.id}` : `chat:${c.id}:handover`, createdAt: first?.created_at, metadata: { chatId: c.id, chatMessageId: first?.id ?? null, pageUrl: c.page_url, emailVerified: v.email_verified },
      },
    }, tx);
    const ticketId = created.ticket.id;
    if (first) await chatRepo.linkTicketMessage(tx, first.id, created.message.id);
    await chatRepo.updateVisitor(tx, v.id, { customer_id: created.ticket.customerId });
    for (const m of turns) {
      if (m === first || transcript.indexOf(m) < transcript.indexOf(first!)) continue;
      const res = await this.tickets.addMessage(actor, ticketId, {
        direction: m.author_type === 'visitor' ? 'inbound' : 'outbound', authorType: m.author_type === 'visitor' ? 'customer' : 'bot',
        authorName: m.author_type === 'visitor' ? (v.name ?? undefined) : 'Assistant', bodyText: m.body, externalId: `chat:${m.id}`, createdAt: m.created_at,
        metadata: { chatId: c.id, chatMessageId: m.id },
      }, tx);
      await chatRepo.linkTicketMessage(tx, m.id, res.message.id);
    }
    return ticketId;
  }

  /**
   * The profile of a visitor who gave no email: the one the tracking snippet's anonymous id belongs to (a random
   * id nobody can guess; the snippet's user id is guessable and never used), else a new profile keyed by the chat
   * visitor. The agent sees that the visitor is unverified.
   */
  async anonymousCustomer(tx: Tx, v: VisitorRow, actor: Actor): Promise<string> {
    const claims = normaliseClaims([v.anonymous_id ? { kind: 'anonymous', source: 'tracking', value: v.anonymous_id } : { kind: 'anonymous', source: 'chat', value: v.id }]);
    await this.customers.bulk.lockClaims(tx, claims);
    const found = (await this.customers.bulk.findLive(tx, claims)).get(claimKey(claims[0]!));
    if (found) return found;
    const name = v.name?.trim().split(/\s+/) ?? [];
    const profile = name.length ? { firstName: name[0] ?? null, lastName: name.slice(1).join(' ') || null } : undefined;
    return (await this.customers.service.resolve(tx, { identities: claims, profile, source: 'chat', actor })).customerId;
  }

  /** A visitor message on a chat that is a ticket: also a ticket message (follows a closed ticket's follow-up). */
  async toTicket(tx: Tx, v: VisitorRow, c: ConversationRow, row: ChatMessageRow): Promise<ConversationRow> {
    const res = await this.tickets.addMessage(visitorActor(v), c.ticket_id!, {
      direction: 'inbound', authorType: 'customer', authorName: v.name ?? undefined, channel: 'chat', bodyText: row.body,
      externalId: `chat:${row.id}`, createdAt: row.created_at, metadata: { chatId: c.id, chatMessageId: row.id },
    }, tx);
    await chatRepo.linkTicketMessage(tx, row.id, res.message.id);
    return res.ticket.id !== c.ticket_id ? chatRepo.updateConversation(tx, c.id, { ticket_id: res.ticket.id }) : c;
  }
}
