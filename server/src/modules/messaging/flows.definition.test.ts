import { describe, expect, it } from 'vitest';
import { matchesFilter, randomBranch, runKey, type FlowDefinition, type Step } from './flows.definition.ts';
import { nextLocalTimeOn, waitDueAt } from './flows.timing.ts';
import { checkGraph, checkReferences, parseFlowDefinition, type FlowCatalogue } from './flows.validate.ts';

const TPL = '01890000-0000-7000-8000-000000000001';
const SMS = '01890000-0000-7000-8000-000000000002';

const flow = (steps: unknown[], extra: Record<string, unknown> = {}) => ({
  version: 1, trigger: { type: 'activity', activity: 'Checkout Started' }, start: (steps[0] as { id?: string } | undefined)?.id ?? null, steps, ...extra,
});
const parsed = (raw: unknown): FlowDefinition => {
  const r = parseFlowDefinition(raw);
  if (!r.definition) throw new Error(JSON.stringify(r.errors));
  return r.definition;
};
const catalogue = (over: Partial<FlowCatalogue> = {}): FlowCatalogue => ({
  segments: { fields: new Map(), segments: new Map([['01890000-0000-7000-8000-00000000000a', { name: 'VIP', refs: [] }]]) },
  templates: new Map([[TPL, { name: 'Cart', channel: 'email', archived: false }], [SMS, { name: 'Cart SMS', channel: 'sms', archived: false }]]),
  attributes: new Map([['renewal', 'date'], ['score', 'number']]),
  users: new Set(),
  checkUrl: (u) => (u.startsWith('https://') ? null : 'must be an https:// URL'),
  ...over,
});

describe('flow definitions: structure', () => {
  it('accepts a complete abandoned-cart flow and fills defaults', () => {
    const d = parsed(flow([
      { id: 'w1', type: 'wait', duration: { amount: 1, unit: 'hours' }, next: 'e1' },
      { id: 'e1', type: 'email', templateId: TPL, next: 'w2' },
      { id: 'w2', type: 'wait', duration: { amount: 23, unit: 'hours' }, next: 'd1' },
      { id: 'd1', type: 'discount', kind: 'percent', value: 10, next: 'e2' },
      { id: 'e2', type: 'email', templateId: TPL, next: null },
    ], { keyBy: ['checkout_id', 'cart_id'], exitOn: ['Order Completed'] }));
    expect(d.reentry).toEqual({ mode: 'always' });
    expect(d.steps[1]).toMatchObject({ kind: 'marketing' });
    expect(d.steps[3]).toMatchObject({ expiresInDays: 7, prefix: 'SAVE' });
    expect(checkGraph(d)).toEqual([]);
    expect(checkReferences(d, catalogue())).toEqual([]);
  });

  it('names the step and the input that is wrong', () => {
    const r = parseFlowDefinition(flow([
      { id: 'w1', type: 'wait', duration: { amount: 1, unit: 'fortnights' }, next: null },
      { id: 'x', type: 'teleport' },
      { id: 'e1', type: 'email', templateId: 'nope', next: null },
      { id: 's1', type: 'split', condition: { version: 1, root: { kind: 'group', match: 'all', conditions: [{ kind: 'magic' }] } }, yes: null, no: null },
    ]));
    expect(r.definition).toBeNull();
    const pointers = r.errors.map((e) => e.pointer);
    expect(pointers).toContain('/definition/steps/0/duration/unit');
    expect(r.errors.find((e) => e.pointer === '/definition/steps/1/type')?.detail).toContain('unknown step type');
    expect(pointers).toContain('/definition/steps/2/templateId');
    expect(pointers).toContain('/definition/steps/3/condition/root/conditions/0/kind');
  });

  it('refuses a bad trigger, time of day and re-entry', () => {
    const r = parseFlowDefinition({ version: 1, trigger: { type: 'date', field: 'birthday', time: '25:00' }, reentry: { mode: 'afterDays', days: 0 }, start: null, steps: [] });
    expect(r.errors.map((e) => e.pointer).sort()).toEqual(['/definition/reentry/days', '/definition/trigger/time']);
  });
});

describe('flow definitions: graph', () => {
  const wait = (id: string, next: string | null) => ({ id, type: 'wait', duration: { amount: 1, unit: 'minutes' }, next });

  it('finds missing targets, duplicate ids, loops and unreachable steps', () => {
    expect(checkGraph(parsed(flow([wait('a', 'zz')])))[0]).toMatchObject({ pointer: '/definition/steps/0/next', detail: expect.stringContaining('"zz", which does not exist') });
    expect(checkGraph(parsed(flow([wait('a', null), wait('a', null)])))[0]).toMatchObject({ pointer: '/definition/steps/1/id' });
    expect(checkGraph(parsed(flow([wait('a', 'b'), wait('b', 'a')])))[0]!.detail).toContain('cannot loop');
    expect(checkGraph(parsed(flow([wait('a', 'a')])))[0]!.detail).toContain('goes to itself');
    expect(checkGraph(parsed(flow([wait('a', null), wait('b', null)])))[0]).toMatchObject({ pointer: '/definition/steps/1', detail: expect.stringContaining('cannot be reached') });
    expect(checkGraph(parsed({ ...flow([wait('a', null)]), start: 'q' }))[0]!.pointer).toBe('/definition/start');
  });

  it('checks random split percentages and branch names', () => {
    const d = parsed(flow([{ id: 'r', type: 'random', branches: [{ label: 'A', percent: 50, next: null }, { label: 'A', percent: 30, next: null }] }]));
    const details = checkGraph(d).map((e) => e.detail);
    expect(details.some((x) => x.includes('add up to 80 %'))).toBe(true);
    expect(details.some((x) => x.includes('two branches are called "A"'))).toBe(true);
  });

  it('checks references: templates of the right channel, segments, date attributes, webhook URLs', () => {
    const d = parsed({
      ...flow([
        { id: 'e', type: 'email', templateId: SMS, next: 's' },
        { id: 's', type: 'sms', templateId: '01890000-0000-7000-8000-0000000000ff', next: 'h' },
        { id: 'h', type: 'webhook', url: 'http://example.com/x', next: 'a' },
        { id: 'a', type: 'attribute', key: 'score', value: 'high', next: null },
      ]),
      trigger: { type: 'date', field: 'attribute', attribute: 'score' },
    });
    const errs = checkReferences(d, catalogue());
    expect(errs.map((e) => e.pointer)).toEqual(['/definition/trigger/attribute', '/definition/steps/0/templateId', '/definition/steps/1/templateId', '/definition/steps/2/url', '/definition/steps/3/value']);
    expect(errs[0]!.detail).toContain('not a date');
    expect(errs[1]!.detail).toContain('SMS template');
  });
});

describe('keys, filters and random splits', () => {
  it('keys a run by the first present trigger property', () => {
    expect(runKey({ keyBy: ['checkout_id', 'cart_id'] }, { cart_id: 'c1' })).toBe('c1');
    expect(runKey({ keyBy: ['checkout_id', 'cart_id'] }, { checkout_id: 42, cart_id: 'c1' })).toBe('42');
    expect(runKey({ keyBy: ['checkout_id'] }, {})).toBeNull();
    expect(runKey({}, { checkout_id: 'x' })).toBeNull();
  });

  it('matches property filters like the segment compiler', () => {
    const p = { total: 120, currency: 'EUR', products: [{ sku: 'A-1' }], gift: false };
    expect(matchesFilter(p, { property: 'total', op: 'gt', value: 100 })).toBe(true);
    expect(matchesFilter(p, { property: 'total', op: 'lt', value: 100 })).toBe(false);
    expect(matchesFilter(p, { property: 'currency', op: 'eq', value: 'EUR' })).toBe(true);
    expect(matchesFilter(p, { property: 'products.0.sku', op: 'contains', value: 'a-' })).toBe(true);
    expect(matchesFilter(p, { property: 'gift', op: 'eq', value: false })).toBe(true);
    expect(matchesFilter(p, { property: 'coupon', op: 'notExists' })).toBe(true);
    expect(matchesFilter(p, { property: 'currency', op: 'neq', value: 'USD' })).toBe(true);
  });

  it('splits at random deterministically per run, close to the percentages', () => {
    const s = { id: 'r', type: 'random', branches: [{ label: 'A', percent: 45, next: null }, { label: 'B', percent: 45, next: null }, { label: 'Control', percent: 10, next: null, holdout: true }] } as Extract<Step, { type: 'random' }>;
    const ids = Array.from({ length: 20_000 }, (_, i) => `0190${i.toString(16).padStart(4, '0')}-0000-7000-8000-${(i * 7919).toString(16).padStart(12, '0')}`);
    const counts = [0, 0, 0];
    for (const id of ids) counts[randomBranch(s, id)]!++;
    expect(counts[0]! / ids.length).toBeCloseTo(0.45, 1);
    expect(counts[2]! / ids.length).toBeGreaterThan(0.08);
    expect(counts[2]! / ids.length).toBeLessThan(0.12);
    for (const id of ids.slice(0, 50)) expect(randomBranch(s, id)).toBe(randomBranch(s, id));
  });
});

describe('wait steps: due times', () => {
  const now = new Date('2026-03-06T15:00:00Z');
  it('wait a duration: exactly that long after reaching the step', () => {
    expect(waitDueAt({ id: 'w', type: 'wait', duration: { amount: 90, unit: 'minutes' }, next: null }, now, 'UTC').toISOString()).toBe('2026-03-06T16:30:00.000Z');
    expect(waitDueAt({ id: 'w', type: 'waitFor', activities: ['Order Completed'], timeout: { amount: 2, unit: 'days' }, next: null, timeoutNext: null }, now, 'UTC').toISOString()).toBe('2026-03-08T15:00:00.000Z');
  });

  it('wait until 09:00 in New York across the spring-forward change (2026-03-08)', () => {
    // Saturday 7 March 10:00 EST → Sunday 8 March 09:00 EDT (UTC−4), then Monday 09:00 EDT.
    const sat = new Date('2026-03-07T15:00:00Z');
    const sun = nextLocalTimeOn(sat, '09:00', 'America/New_York');
    expect(sun.toISOString()).toBe('2026-03-08T13:00:00.000Z');
    expect(nextLocalTimeOn(new Date('2026-03-07T13:59:00Z'), '09:00', 'America/New_York').toISOString()).toBe('2026-03-07T14:00:00.000Z');
    expect(nextLocalTimeOn(new Date(sun.getTime() + 1000), '09:00', 'America/New_York').toISOString()).toBe('2026-03-09T13:00:00.000Z');
    // 02:30 does not exist on 8 March: the same clock time after the jump (03:30 EDT).
    expect(nextLocalTimeOn(sat, '02:30', 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('wait until 09:00 in Berlin across the autumn change (2026-10-25), and on chosen weekdays', () => {
    const sat = new Date('2026-10-24T12:00:00Z'); // 14:00 CEST
    expect(nextLocalTimeOn(sat, '09:00', 'Europe/Berlin').toISOString()).toBe('2026-10-25T08:00:00.000Z'); // 09:00 CET (UTC+1)
    expect(nextLocalTimeOn(new Date('2026-10-24T06:00:00Z'), '09:00', 'Europe/Berlin').toISOString()).toBe('2026-10-24T07:00:00.000Z'); // 09:00 CEST
    // 02:30 happens twice on 25 October: the first one (CEST).
    expect(nextLocalTimeOn(sat, '02:30', 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    // Weekdays only (Mon–Fri): Saturday afternoon → Monday 26 October 09:00 CET.
    expect(nextLocalTimeOn(sat, '09:00', 'Europe/Berlin', [1, 2, 3, 4, 5]).toISOString()).toBe('2026-10-26T08:00:00.000Z');
    expect(waitDueAt({ id: 'u', type: 'waitUntil', time: '09:00', next: null }, sat, 'Europe/Berlin').toISOString()).toBe('2026-10-25T08:00:00.000Z');
  });
});
