import { describe, expect, it } from 'vitest';
import { conditionsSchema, containsAny, createRuleBody, firingRules, matches, type Conditions, type TicketFacts } from './rules.definition.ts';

const VIP = '0190a0a0-0000-7000-8000-000000000001';
const facts = (over: Partial<TicketFacts> = {}): TicketFacts => ({
  channel: 'email', subject: 'Where is my order?', body: 'Hallo, meine Bestellung #1042 ist noch nicht angekommen.', language: 'de-AT',
  priority: 'normal', tags: ['shipping'], segments: new Set([VIP]), lastOrderValue: 12_500, lifetimeValue: 98_000, orderCount: 7, ...over,
});
const cond = (raw: unknown): Conditions => conditionsSchema.parse(raw);

describe('rule conditions', () => {
  it('matches words as whole words, ignoring case and accents, and phrases across spaces', () => {
    expect(containsAny('Where is my ORDER?', ['order'])).toBe(true);
    expect(containsAny('I was reordering', ['order'])).toBe(false);
    expect(containsAny('Café au lait', ['cafe'])).toBe(true);
    expect(containsAny('please  cancel   my order', ['cancel my order'])).toBe(true);
    expect(containsAny('c', ['b*c'])).toBe(false);
    expect(containsAny('a.b*c', ['b*c'])).toBe(true);
    expect(containsAny('refund (now)', ['(now)'])).toBe(true);
  });

  it('evaluates each field', () => {
    const f = facts();
    const yes = (c: unknown) => expect(matches(cond({ conditions: [c] }), f)).toBe(true);
    const no = (c: unknown) => expect(matches(cond({ conditions: [c] }), f)).toBe(false);
    yes({ field: 'channel', op: 'is', value: 'email' });
    no({ field: 'channel', op: 'is_not', value: 'email' });
    yes({ field: 'subject', op: 'contains_any', value: ['refund', 'order'] });
    no({ field: 'body', op: 'contains_any', value: ['refund'] });
    yes({ field: 'text', op: 'contains_none', value: ['refund', 'chargeback'] });
    yes({ field: 'segment', op: 'in', value: VIP });
    no({ field: 'segment', op: 'not_in', value: VIP });
    yes({ field: 'last_order_value', op: 'gte', value: 10_000 });
    no({ field: 'lifetime_value', op: 'lte', value: 50_000 });
    yes({ field: 'order_count', op: 'gte', value: 7 });
    yes({ field: 'language', op: 'is', value: 'de' });
    no({ field: 'language', op: 'is', value: 'de-DE' });
    yes({ field: 'language', op: 'is_not', value: 'en' });
    yes({ field: 'priority', op: 'is', value: 'normal' });
    yes({ field: 'tag', op: 'has', value: 'Shipping' });
    // No last order: value conditions do not hold either way.
    expect(matches(cond({ conditions: [{ field: 'last_order_value', op: 'lte', value: 100 }] }), facts({ lastOrderValue: null }))).toBe(false);
    // Unknown language: "is" fails, "is_not" holds.
    expect(matches(cond({ conditions: [{ field: 'language', op: 'is_not', value: 'de' }] }), facts({ language: null }))).toBe(true);
  });

  it('combines with all / any; no conditions match everything', () => {
    const a = { field: 'channel', op: 'is', value: 'chat' };
    const b = { field: 'segment', op: 'in', value: VIP };
    expect(matches(cond({ match: 'all', conditions: [a, b] }), facts())).toBe(false);
    expect(matches(cond({ match: 'any', conditions: [a, b] }), facts())).toBe(true);
    expect(matches(cond({ conditions: [] }), facts())).toBe(true);
  });

  it('fires enabled rules of the trigger in position order and stops after a stopping rule', () => {
    const base = { enabled: true, trigger: 'created' as const, stopProcessing: false, conditions: cond({ conditions: [] }) };
    const rules = [
      { ...base, name: 'c', position: 3 },
      { ...base, name: 'a', position: 1 },
      { ...base, name: 'off', position: 0, enabled: false },
      { ...base, name: 'upd', position: 0, trigger: 'updated' as const },
      { ...base, name: 'b', position: 2, stopProcessing: true },
      { ...base, name: 'both', position: 1.5, trigger: 'both' as const, conditions: cond({ conditions: [{ field: 'channel', op: 'is', value: 'chat' }] }) },
    ];
    expect(firingRules(rules, 'created', facts()).map((r) => r.name)).toEqual(['a', 'b']);
    expect(firingRules(rules, 'updated', facts()).map((r) => r.name)).toEqual(['upd']);
    expect(firingRules(rules, 'created', facts({ channel: 'chat' })).map((r) => r.name)).toEqual(['a', 'both', 'b']);
  });

  it('rejects bad rules with field-level messages', () => {
    const r = createRuleBody.safeParse({ name: '', conditions: { conditions: [{ field: 'colour', op: 'is', value: 'red' }, { field: 'segment', op: 'in', value: 'vip' }] }, actions: [] });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('/'));
    expect(paths).toEqual(expect.arrayContaining(['name', 'conditions/conditions/0/field', 'conditions/conditions/1/value', 'actions']));
  });
});
