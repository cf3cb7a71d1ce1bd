import type { z } from 'zod';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import { badRequest, conflict, notFound } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { checkTemplate, renderTemplate, TemplateError, type MessagingModule } from '../messaging/index.ts';
import { macroActionsSchema, type createMacroBody, type Macro, type MacroActions, type updateMacroBody } from './macros.schemas.ts';
import type { Ticket } from './tickets.schemas.ts';
import type { TicketService } from './tickets.service.ts';
import { macrosRepo, type MacroRow } from './macros.repo.ts';


function toMacro(r: MacroRow): Macro {
  const a = macroActionsSchema.safeParse(r.actions);
  return { id: r.id, name: r.name, body: r.body, actions: a.success ? a.data : {}, usageCount: r.usage_count, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** The latest tracking link a shipment event carried for an order. */
export const trackingUrl = (db: Executor, customerId: string, order: { id: string; number: string; external_id: string }): Promise<string | null> => macrosRepo.trackingUrl(db, customerId, order);

/**
 * Macros: canned replies in Liquid (messaging's sandboxed engine) with the customer, their last order
 * (tracking link included), open cart, the ticket, the agent and the store in scope, plus ticket actions.
 */
export class MacrosService {
  private readonly db: Db;
  private readonly tickets: TicketService;
  private readonly messaging: Pick<MessagingModule, 'contexts'>;

  constructor(db: Db, tickets: TicketService, messaging: Pick<MessagingModule, 'contexts'>) {
    this.db = db;
    this.tickets = tickets;
    this.messaging = messaging;
  }

  async list(): Promise<Macro[]> {
    return (await macrosRepo.list(this.db)).map(toMacro);
  }

  async get(id: string, db: Executor = this.db): Promise<Macro> {
    const r = await macrosRepo.get(db, id);
    if (!r) throw notFound(`No macro ${id}.`);
    return toMacro(r);
  }

  private async checkBody(body: string): Promise<void> {
    const issues = await checkTemplate({ format: 'text', subject: '', preheader: '', body });
    if (issues.length) throw badRequest(`The macro text is not valid Liquid: ${issues[0]!.message}`, issues.map((i) => ({ pointer: '/body/body', detail: `${i.line ? `line ${i.line}: ` : ''}${i.message}` })));
  }

  async create(actor: Actor, b: z.infer<typeof createMacroBody>): Promise<Macro> {
    await this.checkBody(b.body);
    return this.db.transaction().execute(async (tx) => {
      if (await macrosRepo.nameTaken(tx, b.name)) throw conflict(`A macro named "${b.name}" exists already.`, 'macro-exists');
      const row = await macrosRepo.insert(tx, { id: newId(), name: b.name, body: b.body, actions: JSON.stringify(b.actions), created_by: actor.label });
      await audit.record(tx, actor, { action: 'support.macro.created', entityType: 'support_macro', entityId: row.id, summary: `Created macro "${b.name}"`, after: b });
      return toMacro(row);
    });
  }

  async update(actor: Actor, id: string, b: z.infer<typeof updateMacroBody>): Promise<Macro> {
    if (b.body !== undefined) await this.checkBody(b.body);
    return this.db.transaction().execute(async (tx) => {
      const before = await this.get(id, tx);
      if (b.name && b.name.toLowerCase() !== before.name.toLowerCase() && await macrosRepo.nameTaken(tx, b.name)) throw conflict(`A macro named "${b.name}" exists already.`, 'macro-exists');
      const row = await macrosRepo.update(tx, id, {
        ...(b.name !== undefined ? { name: b.name } : {}), ...(b.body !== undefined ? { body: b.body } : {}),
        ...(b.actions !== undefined ? { actions: JSON.stringify(b.actions) } : {}),
      });
      await audit.record(tx, actor, { action: 'support.macro.updated', entityType: 'support_macro', entityId: id, summary: `Changed macro "${row.name}"`, before, after: b });
      return toMacro(row);
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const before = await this.get(id, tx);
      await macrosRepo.remove(tx, id);
      await audit.record(tx, actor, { action: 'support.macro.deleted', entityType: 'support_macro', entityId: id, summary: `Deleted macro "${before.name}"`, before });
    });
  }

  /** The Liquid scope for a ticket: messaging's customer context plus `ticket`, `agent` and `last_order.tracking_url`. */
  async vars(ticket: Ticket, agent: { name: string; email: string | null } | null, db: Executor = this.db): Promise<Record<string, unknown>> {
    const ctx = (await this.messaging.contexts.build(db, [ticket.customerId])).get(ticket.customerId) ?? {};
    const order = ctx.last_order as { id: string; number: string; external_id: string } | null | undefined;
    const lastOrder = order ? { ...order, tracking_url: await trackingUrl(db, ticket.customerId, order) } : null;
    return {
      ...ctx, last_order: lastOrder, tracking_url: lastOrder?.tracking_url ?? null,
      ticket: { id: ticket.id, number: ticket.number, subject: ticket.subject, status: ticket.status, channel: ticket.channel, priority: ticket.priority, tags: ticket.tags },
      agent: agent ? { name: agent.name, first_name: agent.name.split(/\s+/)[0] ?? agent.name, email: agent.email } : { name: 'The team', first_name: 'The team', email: null },
    };
  }

  /** Renders Liquid text for a ticket (a macro's body, or what an agent typed). Errors are 400 with the line. */
  async renderText(body: string, ticket: Ticket, agent: { name: string; email: string | null } | null, db: Executor = this.db): Promise<string> {
    try {
      const r = await renderTemplate({ format: 'text', subject: '', preheader: '', body }, await this.vars(ticket, agent, db));
      return r.text.replace(/\n{3,}/g, '\n\n').trim();
    } catch (e) {
      if (e instanceof TemplateError) throw badRequest(`The macro could not be rendered: ${e.message}`, e.issues.map((i) => ({ pointer: '/body/body', detail: i.message })));
      throw e;
    }
  }

  /** A macro rendered for a ticket, without changing anything. */
  async render(macroId: string, ticketId: string, agent: { name: string; email: string | null } | null): Promise<{ body: string; actions: MacroActions }> {
    const [macro, ticket] = await Promise.all([this.get(macroId), this.tickets.get(ticketId)]);
    return { body: await this.renderText(macro.body, ticket, agent), actions: macro.actions };
  }

  /** Applies a macro's actions to a ticket (in `tx`) and counts the use. */
  async applyActions(actor: Actor, macroId: string, ticketId: string, tx: Tx): Promise<Ticket> {
    const m = await this.get(macroId, tx);
    const a = m.actions;
    const assigneeId = a.assigneeId === 'me' ? (actor.type === 'user' ? actor.id : undefined) : a.assigneeId;
    await macrosRepo.countUse(tx, macroId);
    await this.tickets.event(tx, ticketId, 'macro', actor, { macroId, name: m.name });
    return this.tickets.change(actor, ticketId, { status: a.status, priority: a.priority, addTags: a.addTags, removeTags: a.removeTags, assigneeId, teamId: a.teamId }, tx);
  }
}
