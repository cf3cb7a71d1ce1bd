import { z } from 'zod';
import { ticketChannelSchema, ticketPrioritySchema, ticketStatusSchema } from './tickets.schemas.ts';

/**
 * Routing rules: conditions on a new or updated ticket → actions. Evaluated here as pure functions over
 * the ticket's facts (loaded by rules.service.ts), so the logic is unit-tested without a database.
 */

const uuid = z.guid({ error: 'must be a UUID' });
const words = z.array(z.string().trim().min(1).max(100)).min(1, 'give at least one word').max(50);
const num = z.number({ error: 'must be a number' }).int().min(0);

export const conditionSchema = z.discriminatedUnion('field', [
  z.strictObject({ field: z.literal('channel'), op: z.enum(['is', 'is_not']), value: ticketChannelSchema }),
  /** Words or phrases, case-insensitive, matched as whole words. `text` = subject or body. */
  z.strictObject({ field: z.enum(['subject', 'body', 'text']), op: z.enum(['contains_any', 'contains_none']), value: words }),
  z.strictObject({ field: z.literal('segment'), op: z.enum(['in', 'not_in']), value: uuid }),
  /** Money in minor units: the last order's total, or everything spent (lifetime value). */
  z.strictObject({ field: z.enum(['last_order_value', 'lifetime_value', 'order_count']), op: z.enum(['gte', 'lte']), value: num }),
  /** A language code such as "de" or "pt-BR" (matched on its first part: "de" matches "de-AT"). */
  z.strictObject({ field: z.literal('language'), op: z.enum(['is', 'is_not']), value: z.string().trim().min(2).max(35) }),
  z.strictObject({ field: z.literal('priority'), op: z.enum(['is', 'is_not']), value: ticketPrioritySchema }),
  z.strictObject({ field: z.literal('tag'), op: z.enum(['has', 'has_not']), value: z.string().trim().min(1).max(60) }),
], { error: 'field must be one of channel, subject, body, text, segment, last_order_value, lifetime_value, order_count, language, priority, tag' });
export type Condition = z.infer<typeof conditionSchema>;

export const conditionsSchema = z.strictObject({
  match: z.enum(['all', 'any']).default('all'),
  conditions: z.array(conditionSchema).max(30),
});
export type Conditions = z.infer<typeof conditionsSchema>;

export const actionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('assign_team'), teamId: uuid }),
  z.strictObject({ type: z.literal('assign_agent'), userId: uuid }),
  /** The team's available member who was assigned least recently (also sets the team). */
  z.strictObject({ type: z.literal('round_robin'), teamId: uuid }),
  z.strictObject({ type: z.literal('set_priority'), priority: ticketPrioritySchema }),
  z.strictObject({ type: z.literal('set_status'), status: ticketStatusSchema }),
  z.strictObject({ type: z.literal('add_tags'), tags: z.array(z.string().trim().min(1).max(60)).min(1).max(20) }),
  /** Replies with a macro (rendered for the ticket) and applies its actions. */
  z.strictObject({ type: z.literal('auto_reply'), macroId: uuid }),
], { error: 'type must be one of assign_team, assign_agent, round_robin, set_priority, set_status, add_tags, auto_reply' });
export type RuleAction = z.infer<typeof actionSchema>;

export const ruleTriggerSchema = z.enum(['created', 'updated', 'both']);

export const ruleSchema = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  trigger: ruleTriggerSchema,
  conditions: conditionsSchema,
  actions: z.array(actionSchema),
  stopProcessing: z.boolean(),
  position: z.number(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Rule = z.infer<typeof ruleSchema>;

export const createRuleBody = z.strictObject({
  name: z.string().trim().min(1, 'give the rule a name').max(120),
  enabled: z.boolean().default(true),
  trigger: ruleTriggerSchema.default('created'),
  conditions: conditionsSchema,
  actions: z.array(actionSchema).min(1, 'give the rule at least one action').max(20),
  stopProcessing: z.boolean().default(false),
  position: z.number().int().min(0).max(10_000).optional(),
});
export const updateRuleBody = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  enabled: z.boolean().optional(),
  trigger: ruleTriggerSchema.optional(),
  conditions: conditionsSchema.optional(),
  actions: z.array(actionSchema).min(1).max(20).optional(),
  stopProcessing: z.boolean().optional(),
  position: z.number().int().min(0).max(10_000).optional(),
});

/** What rules look at. */
export interface TicketFacts {
  channel: string;
  subject: string;
  /** The message that triggered the run (the first message of a new ticket, the customer's new message). */
  body: string;
  language: string | null;
  priority: string;
  tags: string[];
  segments: ReadonlySet<string>;
  lastOrderValue: number | null;
  lifetimeValue: number;
  orderCount: number;
}

const norm = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether any of the words or phrases appears in the text as whole words (case and accents ignored). */
export function containsAny(text: string, list: readonly string[]): boolean {
  const t = norm(text);
  return list.some((w) => {
    const p = norm(w.trim());
    return p.length > 0 && new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRe(p).replace(/\s+/g, '\\s+')}($|[^\\p{L}\\p{N}])`, 'u').test(t);
  });
}

function langMatches(actual: string | null, wanted: string): boolean {
  if (!actual) return false;
  const a = actual.toLowerCase().replace('_', '-');
  const w = wanted.toLowerCase().replace('_', '-');
  return a === w || a.split('-')[0] === w || (w.includes('-') ? false : a.startsWith(`${w}-`));
}

export function conditionHolds(c: Condition, f: TicketFacts): boolean {
  switch (c.field) {
    case 'channel': return (f.channel === c.value) === (c.op === 'is');
    case 'subject': case 'body': case 'text': {
      const text = c.field === 'subject' ? f.subject : c.field === 'body' ? f.body : `${f.subject}\n${f.body}`;
      return containsAny(text, c.value) === (c.op === 'contains_any');
    }
    case 'segment': return f.segments.has(c.value) === (c.op === 'in');
    case 'last_order_value': case 'lifetime_value': case 'order_count': {
      const v = c.field === 'last_order_value' ? f.lastOrderValue : c.field === 'lifetime_value' ? f.lifetimeValue : f.orderCount;
      if (v === null) return false;
      return c.op === 'gte' ? v >= c.value : v <= c.value;
    }
    case 'language': return langMatches(f.language, c.value) === (c.op === 'is');
    case 'priority': return (f.priority === c.value) === (c.op === 'is');
    case 'tag': return f.tags.includes(c.value.toLowerCase()) === (c.op === 'has');
  }
}

/** Whether a rule's conditions hold; no conditions = always. */
export function matches(c: Conditions, f: TicketFacts): boolean {
  if (!c.conditions.length) return true;
  return c.match === 'all' ? c.conditions.every((x) => conditionHolds(x, f)) : c.conditions.some((x) => conditionHolds(x, f));
}

/** The rules that fire for this trigger, in order, up to and including the first matching rule that stops processing. */
export function firingRules<R extends Pick<Rule, 'enabled' | 'trigger' | 'conditions' | 'stopProcessing' | 'position'>>(rules: readonly R[], trigger: 'created' | 'updated', f: TicketFacts): R[] {
  const out: R[] = [];
  for (const r of [...rules].sort((a, b) => a.position - b.position)) {
    if (!r.enabled || (r.trigger !== 'both' && r.trigger !== trigger)) continue;
    if (!matches(r.conditions, f)) continue;
    out.push(r);
    if (r.stopProcessing) break;
  }
  return out;
}
