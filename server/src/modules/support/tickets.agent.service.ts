import type { z } from 'zod';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import type { MacrosService } from './macros.service.ts';
import { ticketsRepo } from './tickets.repo.ts';
import type { createTicketBody, noteBody, replyBody, socialInboundBody, updateTicketBody } from './tickets.routes.schemas.ts';
import type { Ticket, TicketMessage } from './tickets.schemas.ts';
import type { SupportSettingsService } from './tickets.settings.service.ts';
import type { TicketService } from './tickets.service.ts';
import type { TicketChannel } from './tickets.tables.ts';

/** The channel an agent's reply goes out on: email for tickets that came by form, phone or API when there is an address. */
export function replyChannel(t: Ticket): TicketChannel {
  if (t.channel === 'chat' || t.channel === 'social') return t.channel;
  if (t.requester.email) return 'email';
  return t.channel;
}

/** What agents (and integrations) do to tickets through the API: validation, audit, then the ticket core. */
export class AgentActions {
  private readonly db: Db;
  private readonly tickets: TicketService;
  private readonly settings: SupportSettingsService;
  private readonly macros: MacrosService;

  constructor(db: Db, tickets: TicketService, settings: SupportSettingsService, macros: MacrosService) {
    this.db = db;
    this.tickets = tickets;
    this.settings = settings;
    this.macros = macros;
  }

  /** A ticket logged by an agent (phone call, walk-in, forwarded mail). */
  async create(actor: Actor, b: z.infer<typeof createTicketBody>): Promise<Ticket> {
    const customFields = b.customFields ? await this.settings.checkCustomFields(b.customFields) : undefined;
    return this.db.transaction().execute(async (tx) => {
      const direction = b.message.direction;
      // "A message to send them" goes out by email whenever there is an address, whatever way they got in touch.
      const channel = direction === 'outbound' && b.requester.email ? 'email' : b.channel;
      const { ticket } = await this.tickets.createTicket(actor, {
        channel, subject: b.subject, requester: b.requester, status: b.status, priority: b.priority, tags: b.tags, assigneeId: b.assigneeId, teamId: b.teamId,
        customFields, source: 'ui',
        message: {
          direction, authorType: direction === 'inbound' ? 'customer' : 'agent', bodyText: b.message.body,
          toAddresses: direction === 'outbound' && b.requester.email ? [b.requester.email] : [],
          metadata: direction === 'inbound' ? { loggedBy: actor.label } : {},
        },
      }, tx);
      await audit.record(tx, actor, { action: 'support.ticket.created', entityType: 'ticket', entityId: ticket.id, summary: `Logged ${b.channel} ticket #${ticket.number}: ${ticket.subject}` });
      return ticket;
    });
  }

  async update(actor: Actor, id: string, b: z.infer<typeof updateTicketBody>): Promise<Ticket> {
    const customFields = b.customFields ? await this.settings.checkCustomFields(b.customFields) : undefined;
    return this.db.transaction().execute(async (tx) => {
      const before = await this.tickets.get(id, tx);
      const after = await this.tickets.change(actor, id, { ...b, customFields }, tx);
      await audit.record(tx, actor, { action: 'support.ticket.updated', entityType: 'ticket', entityId: after.id, summary: `Changed ticket #${after.number}`, before: { status: before.status, priority: before.priority, assigneeId: before.assigneeId, teamId: before.teamId, tags: before.tags }, after: b });
      return after;
    });
  }

  /**
   * An agent's reply to the customer. Liquid in the text is rendered for the ticket (so a macro's text can be
   * edited before sending); email tickets are sent by the email part (onAgentReply).
   */
  async reply(actor: Actor, id: string, b: z.infer<typeof replyBody>): Promise<{ ticket: Ticket; message: TicketMessage }> {
    return this.db.transaction().execute(async (tx) => {
      const t = await this.tickets.get(id, tx);
      const names = actor.type === 'user' && actor.id ? await ticketsRepo.userNames(tx, [actor.id]) : new Map<string, string>();
      const agent = actor.type === 'user' ? { name: names.get(actor.id ?? '') ?? actor.label, email: actor.label } : null;
      const text = b.body.includes('{{') || b.body.includes('{%') ? await this.macros.renderText(b.body, t, agent, tx) : b.body;
      const channel = replyChannel(t);
      const r = await this.tickets.addMessage(actor, id, {
        direction: 'outbound', authorType: 'agent', channel, bodyText: text, subject: `Re: ${t.subject}`,
        toAddresses: channel === 'email' && t.requester.email ? [t.requester.email] : [], metadata: b.macroId ? { macroId: b.macroId } : {},
      }, tx);
      if (b.macroId) await this.macros.applyActions(actor, b.macroId, r.ticket.id, tx);
      if (b.status) await this.tickets.change(actor, r.ticket.id, { status: b.status }, tx);
      await audit.record(tx, actor, { action: 'support.ticket.replied', entityType: 'ticket', entityId: r.ticket.id, summary: `Replied on ticket #${r.ticket.number} (${channel})` });
      return { ticket: await this.tickets.get(r.ticket.id, tx), message: r.message };
    });
  }

  async note(actor: Actor, id: string, b: z.infer<typeof noteBody>): Promise<{ ticket: Ticket; message: TicketMessage }> {
    return this.db.transaction().execute(async (tx) => {
      const r = await this.tickets.addMessage(actor, id, { direction: 'internal', authorType: 'agent', bodyText: b.body, mentions: b.mentions }, tx);
      await audit.record(tx, actor, { action: 'support.ticket.note', entityType: 'ticket', entityId: r.ticket.id, summary: `Internal note on ticket #${r.ticket.number}${r.message.mentions.length ? ` mentioning ${r.message.mentions.length}` : ''}` });
      return { ticket: r.ticket, message: r.message };
    });
  }

  /**
   * A social message from an integration: joins the open ticket of its conversation, else starts one.
   * Sending the same message id twice stores it once.
   */
  async socialInbound(actor: Actor, b: z.infer<typeof socialInboundBody>): Promise<{ ticketId: string; messageId: string; created: boolean; ticketNumber: number }> {
    return this.db.transaction().execute(async (tx) => {
      const network = b.network.toLowerCase();
      const thread = `${network}:${b.conversationId}`;
      const message = {
        direction: 'inbound' as const, authorType: 'customer' as const, channel: 'social' as const, bodyText: b.text, authorName: b.from.name ?? b.from.handle ?? null,
        fromAddress: b.from.handle ?? b.from.id, externalId: `${network}:${b.messageId}`, createdAt: b.sentAt ? new Date(b.sentAt) : undefined,
        metadata: { network, conversationId: b.conversationId, ...(b.url ? { url: b.url } : {}) },
      };
      const open = await this.tickets.findOpenByThread('social', thread, tx);
      const r = open
        ? await this.tickets.addMessage(actor, open.id, message, tx)
        : await this.tickets.createTicket(actor, {
          channel: 'social', subject: b.subject ?? `${b.network} message from ${b.from.name ?? b.from.handle ?? b.from.id}`, externalThread: thread, source: 'social',
          requester: { handle: { network, id: b.from.id }, email: b.from.email, phone: b.from.phone, name: b.from.name }, message,
        }, tx);
      if (r.created) await audit.record(tx, actor, { action: 'support.social.inbound', entityType: 'ticket', entityId: r.ticket.id, summary: `${network} message on ticket #${r.ticket.number}` });
      return { ticketId: r.ticket.id, messageId: r.message.id, created: r.created, ticketNumber: r.ticket.number };
    });
  }
}
