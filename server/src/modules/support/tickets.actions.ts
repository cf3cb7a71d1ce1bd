import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import { badRequest, conflict, notFound } from '../../platform/http/problem.ts';
import { normTags } from './tickets.map.ts';
import { ticketsRepo } from './tickets.repo.ts';
import type { Ticket } from './tickets.schemas.ts';
import type { TicketService } from './tickets.service.ts';

/**
 * Merges a duplicate ticket into another: its messages and attachments move, the duplicate is closed and
 * points at the survivor (later replies to it land on the survivor), both histories record it.
 */
export async function mergeTickets(db: Db, tickets: TicketService, actor: Actor, sourceId: string, targetId: string): Promise<Ticket> {
  if (sourceId === targetId) throw badRequest('A ticket cannot be merged into itself.', [{ pointer: '/body/intoId', detail: 'is the same ticket' }]);
  return db.transaction().execute(async (tx) => {
    const rows = await ticketsRepo.lockPair(tx, sourceId, targetId);
    const source = rows.find((r) => r.id === sourceId);
    const target = rows.find((r) => r.id === targetId);
    if (!source) throw notFound(`No ticket ${sourceId}.`);
    if (!target) throw notFound(`No ticket ${targetId}.`);
    if (source.merged_into) throw conflict(`Ticket #${source.number} was already merged into another ticket.`, 'ticket-merged');
    if (target.merged_into) throw conflict(`Ticket #${target.number} was merged into another ticket; merge into that one.`, 'ticket-merged');
    const n = await ticketsRepo.moveMessages(tx, source.id, target.id);
    const now = new Date();
    await ticketsRepo.update(tx, source.id, { merged_into: target.id, status: 'closed', closed_at: now, message_count: 0 });
    await ticketsRepo.absorb(tx, target, source, normTags([...target.tags, ...source.tags]));
    await tickets.event(tx, target.id, 'merged', actor, { from: source.id, fromNumber: source.number, messages: n });
    await tickets.event(tx, source.id, 'merged', actor, { into: target.id, intoNumber: target.number, messages: n });
    await audit.record(tx, actor, { action: 'support.ticket.merged', entityType: 'ticket', entityId: target.id, summary: `Merged ticket #${source.number} into #${target.number} (${n} messages moved)`, after: { source: source.id, target: target.id, messages: n } });
    await tickets.live.publish('inbox', { type: 'ticket.updated', ticketId: source.id, reason: 'merged' }, tx);
    await tickets.live.publish('inbox', { type: 'ticket.updated', ticketId: target.id, reason: 'merged' }, tx);
    await tickets.live.publish(`ticket:${source.id}`, { type: 'ticket.merged', ticketId: source.id, into: target.id }, tx);
    return tickets.get(target.id, tx);
  });
}

/** Starts a new ticket from a closed (or solved) one: same customer, channel, team and tags, linked back. */
export async function followUp(db: Db, tickets: TicketService, actor: Actor, ticketId: string, b: { subject?: string; body?: string }): Promise<Ticket> {
  return db.transaction().execute(async (tx) => {
    const t = await tickets.get(ticketId, tx);
    if (t.status !== 'closed' && t.status !== 'solved') throw conflict(`Ticket #${t.number} is still ${t.status}; reply on it instead of starting a follow-up.`, 'ticket-not-closed');
    const { ticket } = await tickets.createTicket(actor, {
      channel: t.channel, subject: b.subject?.trim() || `Follow-up: ${t.subject}`, followUpOf: t.id, priority: t.priority, tags: t.tags, teamId: t.teamId,
      assigneeId: actor.type === 'user' ? actor.id : null,
      requester: { customerId: t.customerId, email: t.requester.email, phone: t.requester.phone, name: t.requester.name },
      message: { direction: 'internal', authorType: 'agent', bodyText: b.body?.trim() || `Follow-up of ticket #${t.number}.` },
      source: 'ui',
    }, tx);
    await tickets.event(tx, t.id, 'follow_up', actor, { ticketId: ticket.id, number: ticket.number });
    await audit.record(tx, actor, { action: 'support.ticket.follow_up', entityType: 'ticket', entityId: ticket.id, summary: `Follow-up #${ticket.number} of ticket #${t.number}` });
    return ticket;
  });
}
