import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../platform/ids.ts';
import { startTestApp, type TestApp } from '../../testing/harness.ts';
import { compileDefinition, type CompileContext } from './segments.compile.ts';
import type { CountRule, Definition, Node, Window } from './segments.definition.ts';
import { loadCatalogue } from './segments.fields.ts';
import { parseDefinition, validateDefinition } from './segments.validate.ts';

// Segment logic on hand-made customers whose answers are known, at a fixed "now", in both shapes
// of the compiled SQL: whole-store (set) and per-customer (probe) must agree on every definition.
const NOW = new Date('2026-12-28T12:00:00Z');
const day = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
const hours = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

let app: TestApp;
const id: Record<string, string> = {};

interface Person {
  first: string;
  country?: string | null;
  email?: string;
  birthday?: string;
  created?: Date;
  tags?: string[];
  attributes?: Record<string, unknown>;
  orders?: { at: Date; total: number; sku: string; category?: string; status?: string }[];
  activities?: { type: string; at: Date; properties?: Record<string, unknown> }[];
}

const PEOPLE: Person[] = [
  {
    first: 'Ann', country: 'GB', birthday: '1990-01-02', created: day(400), tags: ['vip', 'newsletter'], attributes: { plan: 'gold', score: 42, member: true, signup: '2026-12-01', pets: ['cat', 'dog'] },
    orders: [{ at: day(300), total: 5000, sku: 'MUG-1', category: 'Kitchen' }, { at: day(200), total: 7000, sku: 'MUG-1', category: 'Kitchen' }, { at: day(10), total: 20000, sku: 'LAMP-9', category: 'Lighting' }],
    activities: [{ type: 'Page Viewed', at: day(1) }, { type: 'Page Viewed', at: day(2) }, { type: 'Page Viewed', at: day(3) }, { type: 'Page Viewed', at: day(40) },
      { type: 'Checkout Started', at: hours(30), properties: { value: 80 } }, { type: 'Order Completed', at: hours(29), properties: { total: 80 } }],
  },
  {
    first: 'Ben', country: 'gb', birthday: '1985-06-15', created: day(10), tags: ['newsletter'], attributes: { plan: 'silver', score: 7, member: false, signup: 'not a date', pets: 'cat' },
    orders: [{ at: day(5), total: 1500, sku: 'CARD-2', category: 'Stationery' }],
    activities: [{ type: 'Page Viewed', at: day(5) }, { type: 'Checkout Started', at: hours(10), properties: { value: 120 } }],
  },
  {
    first: 'Cat', country: 'FR', birthday: '2000-12-31', created: day(800), attributes: { score: 'high' },
    orders: [{ at: day(700), total: 3000, sku: 'MUG-1', category: 'Kitchen' }, { at: day(600), total: 3000, sku: 'CARD-2', category: 'Stationery', status: 'cancelled' }],
    activities: [{ type: 'Checkout Started', at: hours(2), properties: { value: 40 } }],
  },
  { first: 'Dan', country: null, created: day(2), activities: [{ type: 'Page Viewed', at: day(1) }] },
  { first: "O'Hara'; drop table customers; --", country: 'US', created: day(50) },
];

async function seed(): Promise<void> {
  const db = app.patron.dbh.db;
  await sql`insert into settings (key, value) values ('store', ${JSON.stringify({ name: 'T', currency: 'GBP', timeZone: 'Europe/London' })}::jsonb)`.execute(db);
  await sql`insert into attribute_definitions (key, label, type, options) values ('plan', 'Plan', 'text', '{}'), ('score', 'Score', 'number', '{}'),
    ('member', 'Member', 'boolean', '{}'), ('signup', 'Signup date', 'date', '{}'), ('pets', 'Pets', 'list', '{cat,dog,fish}')`.execute(db);
  const products = new Map<string, string>();
  for (const p of PEOPLE) {
    const cid = newId();
    id[p.first.slice(0, 3)] = cid;
    const orders = (p.orders ?? []).filter((o) => o.status !== 'cancelled');
    await db.insertInto('customers').values({
      id: cid, first_name: p.first, email: p.email ?? `${p.first.slice(0, 3).toLowerCase()}@t.test`, country: p.country ?? null, birthday: p.birthday ?? null,
      tags: p.tags ?? [], attributes: JSON.stringify(p.attributes ?? {}), source: 'test', created_at: p.created ?? day(1),
      order_count: orders.length, total_spent: orders.reduce((s, o) => s + o.total, 0),
      first_order_at: orders.length ? new Date(Math.min(...orders.map((o) => o.at.getTime()))) : null,
      last_order_at: orders.length ? new Date(Math.max(...orders.map((o) => o.at.getTime()))) : null,
    } as never).execute();
    for (const [k, o] of (p.orders ?? []).entries()) {
      let pid = products.get(o.sku);
      if (!pid) {
        pid = newId();
        products.set(o.sku, pid);
        await db.insertInto('products').values({ id: pid, source: 'test', external_id: o.sku, title: o.sku, sku: o.sku, categories: o.category ? [o.category] : [] } as never).execute();
      }
      const oid = newId();
      await db.insertInto('orders').values({ id: oid, source: 'test', external_id: `${cid}-${k}`, customer_id: cid, status: o.status ?? 'completed', currency: 'GBP', total: o.total, placed_at: o.at } as never).execute();
      await db.insertInto('order_lines').values({ id: newId(), order_id: oid, position: 1, product_id: pid, sku: o.sku, title: o.sku, quantity: 1, unit_price: o.total, total: o.total } as never).execute();
    }
    for (const a of p.activities ?? []) {
      await db.insertInto('activities').values({ id: newId(), customer_id: cid, type: a.type, occurred_at: a.at, source: 'test', properties: JSON.stringify(a.properties ?? {}), dedupe_key: null }).execute();
    }
  }
  await db.insertInto('customers').values({ id: newId(), first_name: 'Ghost', anonymous: true, source: 'tracking', country: 'GB' } as never).execute();
}

beforeAll(async () => {
  app = await startTestApp();
  await seed();
});
afterAll(async () => app?.close());

const all = (...conditions: Node[]): Definition => ({ version: 1, root: { kind: 'group', match: 'all', conditions } });

/** Members (by short name) in set mode, after checking that probe mode agrees customer by customer. */
async function members(def: Definition): Promise<string[]> {
  const db = app.patron.dbh.db;
  const cat = await loadCatalogue(db);
  const parsed = parseDefinition(def);
  expect(parsed.errors).toEqual([]);
  expect(validateDefinition(parsed.definition!, cat)).toEqual([]);
  const ctx = (mode: CompileContext['mode']): CompileContext => ({ cat, mode, now: NOW, timeZone: 'Europe/London' });
  const base = sql`c.merged_into is null and not c.anonymous`;
  const set = (await sql<{ id: string }>`select c.id from customers c where ${base} and ${compileDefinition(def, ctx('set'))}`.execute(db)).rows.map((r) => r.id);
  const ids = Object.values(id);
  const probe = (await sql<{ id: string }>`select c.id from customers c where c.id = any(${ids}::uuid[]) and ${base} and ${compileDefinition(def, ctx('probe'))}`.execute(db)).rows.map((r) => r.id);
  const name = (x: string) => Object.entries(id).find(([, v]) => v === x)?.[0] ?? x;
  expect(probe.map(name).sort()).toEqual(set.map(name).sort());
  return set.map(name).sort();
}

describe('profile fields', () => {
  it('text: case-insensitive is, is not (including no value), contains, starts with, in list, exists', async () => {
    expect(await members(all({ kind: 'field', field: 'country', op: 'is', value: 'GB' }))).toEqual(['Ann', 'Ben']);
    expect(await members(all({ kind: 'field', field: 'country', op: 'isNot', value: 'GB' }))).toEqual(['Cat', 'Dan', "O'H"]);
    expect(await members(all({ kind: 'field', field: 'firstName', op: 'contains', value: 'a' }))).toEqual(['Ann', 'Cat', 'Dan', "O'H"]);
    expect(await members(all({ kind: 'field', field: 'firstName', op: 'startsWith', value: "o'hara'; drop" }))).toEqual(["O'H"]);
    expect(await members(all({ kind: 'field', field: 'country', op: 'in', value: ['fr', 'US'] }))).toEqual(['Cat', "O'H"]);
    expect(await members(all({ kind: 'field', field: 'country', op: 'notExists' }))).toEqual(['Dan']);
    // % and _ are literal characters, not wildcards.
    expect(await members(all({ kind: 'field', field: 'firstName', op: 'contains', value: '%' }))).toEqual([]);
  });

  it('dates: relative (created in the last 30 days / more than 365 days ago), calendar days, recurring birthdays across the new year', async () => {
    expect(await members(all({ kind: 'field', field: 'createdAt', op: 'inLast', value: { amount: 30, unit: 'days' } }))).toEqual(['Ben', 'Dan']);
    expect(await members(all({ kind: 'field', field: 'createdAt', op: 'notInLast', value: { amount: 365, unit: 'days' } }))).toEqual(['Ann', 'Cat']);
    expect(await members(all({ kind: 'field', field: 'createdAt', op: 'before', value: '2026-01-01' }))).toEqual(['Ann', 'Cat']);
    // 28 Dec: Cat's birthday (31 Dec) and Ann's (2 Jan, next year) are within 7 days; Ben's (15 Jun) is not.
    expect(await members(all({ kind: 'field', field: 'birthday', op: 'inNext', value: { amount: 7, unit: 'days' } }))).toEqual(['Ann', 'Cat']);
    expect(await members(all({ kind: 'field', field: 'birthday', op: 'inNext', value: { amount: 3, unit: 'days' } }))).toEqual(['Cat']);
    expect(await members(all({ kind: 'field', field: 'birthday', op: 'between', value: ['1980-01-01', '1995-12-31'] }))).toEqual(['Ann', 'Ben']);
  });

  it('tags and custom attributes of every type (malformed values count as no value, never as an error)', async () => {
    expect(await members(all({ kind: 'field', field: 'tags', op: 'hasAny', value: ['vip'] }))).toEqual(['Ann']);
    expect(await members(all({ kind: 'field', field: 'tags', op: 'hasAll', value: ['vip', 'newsletter'] }))).toEqual(['Ann']);
    expect(await members(all({ kind: 'field', field: 'tags', op: 'hasNone', value: ['newsletter'] }))).toEqual(['Cat', 'Dan', "O'H"]);
    expect(await members(all({ kind: 'field', field: 'custom.plan', op: 'is', value: 'Gold' }))).toEqual(['Ann']);
    expect(await members(all({ kind: 'field', field: 'custom.score', op: 'gt', value: 5 }))).toEqual(['Ann', 'Ben']);
    expect(await members(all({ kind: 'field', field: 'custom.member', op: 'isFalse' }))).toEqual(['Ben']);
    expect(await members(all({ kind: 'field', field: 'custom.signup', op: 'after', value: '2026-11-30' }))).toEqual(['Ann']);
    expect(await members(all({ kind: 'field', field: 'custom.pets', op: 'hasAny', value: ['cat'] }))).toEqual(['Ann', 'Ben']);
    expect(await members(all({ kind: 'field', field: 'custom.pets', op: 'hasAll', value: ['cat', 'dog'] }))).toEqual(['Ann']);
  });
});

describe('commerce', () => {
  it('figures, ranks and the order interval', async () => {
    expect(await members(all({ kind: 'field', field: 'orderCount', op: 'gte', value: 2 }))).toEqual(['Ann']);
    expect(await members(all({ kind: 'field', field: 'totalSpent', op: 'between', value: [1500, 3000] }))).toEqual(['Ben', 'Cat']);
    expect(await members(all({ kind: 'field', field: 'orderCount', op: 'eq', value: 0 }))).toEqual(['Dan', "O'H"]);
    // Top third of the three buyers by spend: Ann (32,000) alone.
    expect(await members(all({ kind: 'field', field: 'totalSpent', op: 'topPercent', value: 34 }))).toEqual(['Ann']);
    expect(await members(all({ kind: 'field', field: 'lastOrderAt', op: 'notInLast', value: { amount: 180, unit: 'days' } }))).toEqual(['Cat']);
    // Ann: 10 days since the last order, usual interval 145 days → ratio < 2.
    expect(await members(all({ kind: 'field', field: 'orderIntervalRatio', op: 'lt', value: 2 }))).toEqual(['Ann']);
  });

  it('bought a SKU / category N times within a window (cancelled orders do not count)', async () => {
    const sku = (count: CountRule, window: Window) =>
      all({ kind: 'purchased', target: 'sku', values: ['MUG-1'], count, window });
    expect(await members(sku({ op: 'atLeast', value: 1 }, { type: 'ever' }))).toEqual(['Ann', 'Cat']);
    expect(await members(sku({ op: 'atLeast', value: 2 }, { type: 'ever' }))).toEqual(['Ann']);
    expect(await members(sku({ op: 'atMost', value: 0 }, { type: 'ever' }))).toEqual(['Ben', 'Dan', "O'H"]);
    expect(await members(sku({ op: 'atLeast', value: 1 }, { type: 'inLast', amount: 365, unit: 'days' }))).toEqual(['Ann']);
    expect(await members(all({ kind: 'purchased', target: 'category', values: ['Stationery'], count: { op: 'atLeast', value: 1 }, window: { type: 'ever' } }))).toEqual(['Ben']);
  });
});

describe('behaviour', () => {
  it('counts activities at least / at most / exactly N times in a window, with property filters', async () => {
    const pv = (op: 'atLeast' | 'atMost' | 'exactly', value: number) => all({ kind: 'activity', activity: 'Page Viewed', count: { op, value }, window: { type: 'inLast', amount: 30, unit: 'days' } });
    expect(await members(pv('atLeast', 3))).toEqual(['Ann']);
    expect(await members(pv('atMost', 1))).toEqual(['Ben', 'Cat', 'Dan', "O'H"]);
    expect(await members(pv('exactly', 0))).toEqual(['Cat', "O'H"]);
    expect(await members(pv('exactly', 1))).toEqual(['Ben', 'Dan']);
    expect(await members(all({ kind: 'activity', activity: 'Checkout Started', count: { op: 'atLeast', value: 1 }, window: { type: 'ever' }, where: [{ property: 'value', op: 'gte', value: 80 }] }))).toEqual(['Ann', 'Ben']);
    expect(await members(all({ kind: 'activity', activity: 'Page Viewed', count: { op: 'atLeast', value: 1 }, window: { type: 'between', from: '2026-11-01', to: '2026-11-30' } }))).toEqual(['Ann']);
  });

  it('did X but not Y within 4 hours: only once the 4 hours have passed', async () => {
    // Ann ordered an hour after her checkout; Ben's checkout is 10 h old with no order; Cat's is only 2 h old.
    expect(await members(all({ kind: 'sequence', did: 'Checkout Started', didNot: 'Order Completed', notWithin: { amount: 4, unit: 'hours' }, window: { type: 'inLast', amount: 30, unit: 'days' } }))).toEqual(['Ben']);
  });

  it('first / last time of an activity', async () => {
    expect(await members(all({ kind: 'activityTime', activity: 'Page Viewed', which: 'last', op: 'inLast', value: { amount: 2, unit: 'days' } }))).toEqual(['Ann', 'Dan']);
    expect(await members(all({ kind: 'activityTime', activity: 'Page Viewed', which: 'first', op: 'before', value: '2026-12-01' }))).toEqual(['Ann']);
    expect(await members(all({ kind: 'activityTime', activity: 'Page Viewed', which: 'first', op: 'notExists' }))).toEqual(['Cat', "O'H"]);
  });
});

describe('groups', () => {
  it('nests all / any / none', async () => {
    expect(await members({ version: 1, root: { kind: 'group', match: 'any', conditions: [{ kind: 'field', field: 'country', op: 'is', value: 'FR' }, { kind: 'field', field: 'orderCount', op: 'gte', value: 2 }] } })).toEqual(['Ann', 'Cat']);
    expect(await members({ version: 1, root: { kind: 'group', match: 'none', conditions: [{ kind: 'field', field: 'country', op: 'is', value: 'GB' }, { kind: 'field', field: 'country', op: 'notExists' }] } })).toEqual(['Cat', "O'H"]);
    expect(await members(all({ kind: 'field', field: 'country', op: 'is', value: 'GB' }, { kind: 'group', match: 'any', conditions: [{ kind: 'field', field: 'tags', op: 'hasAny', value: ['vip'] }, { kind: 'field', field: 'createdAt', op: 'inLast', value: { amount: 7, unit: 'days' } }] }))).toEqual(['Ann']);
    expect(await members(all())).toEqual(['Ann', 'Ben', 'Cat', 'Dan', "O'H"]);
  });
});
