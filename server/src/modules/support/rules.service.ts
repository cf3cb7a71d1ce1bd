import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import { badRequest, notFound, type FieldError } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import type { MessagingModule } from '../messaging/index.ts';
import type { MacrosService } from './macros.service.ts';
import { actionSchema, conditionsSchema, firingRules, type createRuleBody, type Rule, type RuleAction, type TicketFacts, type updateRuleBody } from './rules.definition.ts';
import { rulesRepo, type RuleRow } from './rules.repo.ts';
import type { Ticket, TicketMessage } from './tickets.schemas.ts';
import type { TicketChange, TicketService } from './tickets.service.ts';

const RULES_ACTOR_LABEL = 'rule';

function toRule(r: RuleRow): Rule {
  const c = conditionsSchema.safeParse(r.conditions);
  const a = actionSchema.array().safeParse(r.actions);
  return {
    id: r.id, name: r.name, enabled: r.enabled && c.success && a.success, trigger: r.trigger, conditions: c.success ? c.data : { match: 'all', conditions: [] },
    actions: a.success ? a.data : [], stopProcessing: r.stop_processing, position: r.position, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** Routing rules: run on new tickets and on customers' new messages, inside the same transaction. */
export class RulesService {
  private readonly db: Db;
  private readonly tickets: TicketService;
  private readonly macros: MacrosService;
  private readonly messaging: Pick<MessagingModule, 'contexts'>;
  private readonly log: Logger;

  constructor(db: Db, tickets: TicketService, macros: MacrosService, messaging: Pick<MessagingModule, 'contexts'>, log: Logger) {
    this.log = log;
    this.db = db;
    this.tickets = tickets;
    this.macros = macros;
    this.messaging = messaging;
  }

  /** Hooks the rules into the ticket core. */
  attach(): void {
    this.tickets.onTicketCreated(async (tx, e) => void (await this.run(tx, 'created', e.ticket, e.message)));
    this.tickets.onMessageAdded(async (tx, e) => {
      if (e.message.direction === 'inbound') await this.run(tx, 'updated', e.ticket, e.message);
    });
  }

  async list(): Promise<Rule[]> {
    return (await rulesRepo.list(this.db)).map(toRule);
  }

  private async checkRefs(db: Executor, actions: RuleAction[], conditions: z.infer<typeof conditionsSchema>): Promise<void> {
    const errors: FieldError[] = [];
    for (const [i, a] of actions.entries()) {
      const p = `/body/actions/${i}`;
      if ((a.type === 'assign_team' || a.type === 'round_robin') && !(await rulesRepo.exists(db, 'support_teams', a.teamId))) errors.push({ pointer: `${p}/teamId`, detail: 'is not a team' });
      if (a.type === 'assign_agent' && !(await rulesRepo.activeUser(db, a.userId))) errors.push({ pointer: `${p}/userId`, detail: 'is not an active user' });
      if (a.type === 'auto_reply' && !(await rulesRepo.exists(db, 'support_macros', a.macroId))) errors.push({ pointer: `${p}/macroId`, detail: 'is not a macro' });
    }
    for (const [i, c] of conditions.conditions.entries()) {
      if (c.field === 'segment' && !(await rulesRepo.exists(db, 'segments', c.value))) errors.push({ pointer: `/body/conditions/conditions/${i}/value`, detail: 'is not a segment' });
    }
    if (errors.length) throw badRequest('The rule refers to something that does not exist.', errors);
  }

  async create(actor: Actor, b: z.infer<typeof createRuleBody>): Promise<Rule> {
    return this.db.transaction().execute(async (tx) => {
      await this.checkRefs(tx, b.actions, b.conditions);
      const row = await rulesRepo.insert(tx, {
        id: newId(), name: b.name, enabled: b.enabled, trigger: b.trigger, conditions: JSON.stringify(b.conditions), actions: JSON.stringify(b.actions),
        stop_processing: b.stopProcessing, position: b.position ?? (await rulesRepo.maxPosition(tx)) + 1,
      });
      await audit.record(tx, actor, { action: 'support.rule.created', entityType: 'support_rule', entityId: row.id, summary: `Created rule "${b.name}"`, after: b });
      return toRule(row);
    });
  }

  async update(actor: Actor, id: string, b: z.infer<typeof updateRuleBody>): Promise<Rule> {
    return this.db.transaction().execute(async (tx) => {
      const before = await rulesRepo.get(tx, id);
      if (!before) throw notFound(`No rule ${id}.`);
      const cur = toRule(before);
      await this.checkRefs(tx, b.actions ?? cur.actions, b.conditions ?? cur.conditions);
      const row = await rulesRepo.update(tx, id, {
        ...(b.name !== undefined ? { name: b.name } : {}), ...(b.enabled !== undefined ? { enabled: b.enabled } : {}), ...(b.trigger ? { trigger: b.trigger } : {}),
        ...(b.conditions ? { conditions: JSON.stringify(b.conditions) } : {}), ...(b.actions ? { actions: JSON.stringify(b.actions) } : {}),
        ...(b.stopProcessing !== undefined ? { stop_processing: b.stopProcessing } : {}), ...(b.position !== undefined ? { position: b.position } : {}),
      });
      await audit.record(tx, actor, { action: 'support.rule.updated', entityType: 'support_rule', entityId: id, summary: `Changed rule "${row.name}"`, before: cur, after: b });
      return toRule(row);
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const before = await rulesRepo.get(tx, id);
      if (!before) throw notFound(`No rule ${id}.`);
      await rulesRepo.remove(tx, id);
      await audit.record(tx, actor, { action: 'support.rule.deleted', entityType: 'support_rule', entityId: id, summary: `Deleted rule "${before.name}"`, before: toRule(before) });
    });
  }

  /** What the rules look at, for a ticket and the message that triggered them. */
  async facts(tx: Executor, ticket: Ticket, message: TicketMessage): Promise<TicketFacts> {
    const ctx = (await this.messaging.contexts.build(tx, [ticket.customerId])).get(ticket.customerId);
    const customer = ctx?.customer as { total_spent?: number; order_count?: number; locale?: string | null } | undefined;
    const order = ctx?.last_order as { total?: number } | null | undefined;
    return {
      channel: ticket.channel, subject: ticket.subject, body: message.bodyText, language: ticket.language ?? customer?.locale ?? null,
      priority: ticket.priority, tags: ticket.tags, segments: await rulesRepo.segmentIds(tx, ticket.customerId),
      lastOrderValue: order?.total ?? null, lifetimeValue: Number(customer?.total_spent ?? 0), orderCount: Number(customer?.order_count ?? 0),
    };
  }

  /** Runs the matching rules' actions on a ticket; each rule that fired is in the ticket's history. */
  async run(tx: Tx, trigger: 'created' | 'updated', ticket: Ticket, message: TicketMessage): Promise<string[]> {
    const rules = (await rulesRepo.list(tx)).map(toRule).filter((r) => r.enabled);
    if (!rules.length) return [];
    const fired = firingRules(rules, trigger, await this.facts(tx, ticket, message));
    for (const rule of fired) {
      const actor: Actor = { type: 'system', id: null, label: `${RULES_ACTOR_LABEL} "${rule.name}"` };
      // A broken rule (a macro that fails to render, …) must never lose the customer's message: its
      // actions roll back to a savepoint, the failure is in the ticket's history, the rest go on.
      await sql`savepoint support_rule`.execute(tx);
      try {
        await this.tickets.event(tx, ticket.id, 'rule', actor, { ruleId: rule.id, name: rule.name, trigger });
        await this.apply(tx, actor, ticket.id, rule.actions);
        await sql`release savepoint support_rule`.execute(tx);
      } catch (err) {
        await sql`rollback to savepoint support_rule`.execute(tx);
        this.log.warn({ err, ruleId: rule.id, ticketId: ticket.id }, 'support rule failed; its actions were skipped');
        await this.tickets.event(tx, ticket.id, 'rule_failed', actor, { ruleId: rule.id, name: rule.name, error: (err as Error).message.slice(0, 500) });
      }
    }
    return fired.map((r) => r.id);
  }

  private async apply(tx: Tx, actor: Actor, ticketId: string, actions: RuleAction[]): Promise<void> {
    const change: TicketChange = {};
    const replies: string[] = [];
    for (const a of actions) {
      if (a.type === 'assign_team') change.teamId = a.teamId;
      else if (a.type === 'assign_agent') change.assigneeId = a.userId;
      else if (a.type === 'round_robin') {
        change.teamId = a.teamId;
        const next = await rulesRepo.nextAgent(tx, a.teamId);
        if (next) change.assigneeId = next;
      } else if (a.type === 'set_priority') change.priority = a.priority;
      else if (a.type === 'set_status') change.status = a.status;
      else if (a.type === 'add_tags') change.addTags = [...(change.addTags ?? []), ...a.tags];
      else replies.push(a.macroId);
    }
    // A deleted team or agent must not make a customer's email bounce: skip what no longer exists.
    if (change.teamId && !(await rulesRepo.exists(tx, 'support_teams', change.teamId))) delete change.teamId;
    if (change.assigneeId && !(await rulesRepo.activeUser(tx, change.assigneeId))) delete change.assigneeId;
    if (Object.keys(change).length) await this.tickets.change(actor, ticketId, change, tx);
    for (const macroId of replies) {
      const macro = await rulesRepo.macro(tx, macroId);
      if (!macro) continue;
      const ticket = await this.tickets.get(ticketId, tx);
      const body = await this.macros.renderText(macro.body, ticket, null, tx);
      if (body) {
        await this.tickets.addMessage(actor, ticketId, {
          direction: 'outbound', authorType: 'system', authorName: 'Auto-reply', bodyText: body,
          toAddresses: ticket.requester.email ? [ticket.requester.email] : [], metadata: { autoReply: true, macroId },
        }, tx);
      }
      await this.macros.applyActions(actor, macroId, ticketId, tx);
    }
  }
}
