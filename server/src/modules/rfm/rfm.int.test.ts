import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { removeTmpFiles, tmpFile, uciSlice } from '../integrations/imports/uci.fixture.ts';
import { quintileScores } from './rfm.scoring.ts';
import type { CustomerRfm, RfmCustomer, RfmOverview, RfmRun } from './rfm.schemas.ts';

// The RFM API on hand-made orders: ties, who is scored, permissions, bad input, the import hook.
let app: TestApp;
let owner: Session;
let analyst: Session;
let support: Session;

beforeAll(async () => {
  app = await startTestApp();
  owner = await loginAs(app, 'owner');
  analyst = await loginAs(app, 'analyst');
  support = await loginAs(app, 'support');
  await call('PUT', '/api/settings/store', { currency: 'EUR', timeZone: 'Europe/Berlin' });
});
afterAll(async () => {
  removeTmpFiles();
  await app?.close();
});

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, s: Session = owner) {
  return app.patron.http!.inject({ method, url, headers: s.headers, payload: payload as Record<string, unknown> });
}
async function json<T>(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, s: Session = owner): Promise<T> {
  const res = await call(method, url, payload, s);
  if (res.statusCode >= 400) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

let seq = 0;
/** An order for customer `who` of `amount` cents at `placedAt`; returns the customer id. */
async function order(who: string, amount: number, placedAt: string): Promise<string> {
  const r = await json<{ customerId: string }>('POST', '/api/orders', {
    source: 'test', externalId: `o${++seq}`, currency: 'EUR', placedAt, customer: { externalId: who, email: `${who}@example.com` },
    lines: [{ title: 'Thing', quantity: 1, unitPrice: amount }],
  });
  return r.customerId;
}

describe('scores on hand-made orders', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // Six customers alike in every way (one order, €20, same day), and four that differ.
    for (const who of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']) ids[who] = await order(who, 2000, '2024-05-01T10:00:00Z');
    ids.b = await order('b', 5000, '2024-01-20T10:00:00Z');
    await order('b', 5000, '2024-02-01T10:00:00Z');
    ids.c = await order('c', 9000, '2024-06-10T10:00:00Z');
    await order('c', 1000, '2024-06-11T10:00:00Z');
    await order('c', 1000, '2024-06-12T23:30:00Z'); // already 2024-06-13 in Berlin
    ids.d = await order('d', 100_000, '2024-01-05T10:00:00Z');
    ids.e = await order('e', 3000, '2024-06-13T08:00:00Z'); // the store's latest order
    // e gets refunded more than they spent (a refund of an order from before the data starts).
    await json('POST', '/api/refunds', { source: 'test', externalId: 'r1', customer: { externalId: 'e' }, amount: 4000, currency: 'EUR', refundedAt: '2024-06-14T08:00:00Z' });
    // Not scored: a customer without orders, an anonymous one with an order, and a profile merged away.
    ids.none = (await json<{ id: string }>('POST', '/api/customers', { email: 'no-orders@example.com' })).id;
    ids.anon = await order('anon', 7000, '2024-06-01T10:00:00Z');
    await sql`update customers set anonymous = true where id = ${ids.anon}`.execute(app.patron.dbh.db);
    ids.m1 = await order('m1', 4000, '2024-02-10T10:00:00Z');
    ids.m2 = await order('m2', 4000, '2024-02-11T10:00:00Z');
    await json('POST', '/api/customers/merge', { survivorId: ids.m1, mergedId: ids.m2 });
  });

  it('starts empty: 25 zero cells, 11 classes, no run', async () => {
    const o = await json<RfmOverview>('GET', '/api/rfm');
    expect(o.run).toBeNull();
    expect(o.cells).toHaveLength(25);
    expect(o.cells.every((c) => c.customers === 0)).toBe(true);
    expect(o.classes.map((c) => c.class)).toEqual(['champions', 'loyal', 'potential_loyalist', 'new', 'promising', 'needs_attention', 'about_to_sleep', 'at_risk', 'cant_lose_them', 'hibernating', 'lost']);
    expect(o.currency).toBe('EUR');
  });

  it('recomputes on request and scores every live, known customer with an order; ties get equal scores', async () => {
    const run = await json<RfmRun>('POST', '/api/rfm/recompute', {});
    expect(run).toMatchObject({ customers: 11, currency: 'EUR', trigger: 'manual' });
    // Recency counts back from the store's latest order.
    expect(run.asOf).toBe('2024-06-13T08:00:00.000Z');

    const rows = await sql<{ customer_id: string; recency: number; frequency: number; monetary: number; class: string; recency_days: number; order_count: number; net_spent: number }>`
      select * from customer_rfm`.execute(app.patron.dbh.db);
    const by = new Map(rows.rows.map((r) => [r.customer_id, r]));
    expect(by.has(ids.none!)).toBe(false);
    expect(by.has(ids.anon!)).toBe(false);
    expect(by.has(ids.m2!)).toBe(false);
    expect(by.get(ids.m1!)).toMatchObject({ order_count: 2, net_spent: 8000 });

    // The six identical customers share all three scores.
    const a = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((k) => by.get(ids[k]!)!);
    expect(new Set(a.map((r) => `${r.recency}${r.frequency}${r.monetary}`)).size).toBe(1);
    // Calendar days in Berlin: 2024-06-13 − 2024-05-01 = 43; c's last order (23:30 UTC on the 12th) is on the 13th there, like e's.
    expect(a[0]!.recency_days).toBe(43);
    expect(by.get(ids.m1!)!.recency_days).toBe(123);
    expect(by.get(ids.c!)!.recency_days).toBe(0);
    expect(by.get(ids.e!)!.recency_days).toBe(0);
    expect(by.get(ids.e!)!.net_spent).toBe(-1000);

    // The SQL agrees with the reference definition, customer by customer.
    const list = [...by.values()];
    const r = quintileScores(list.map((x) => x.recency_days), 'lower');
    const f = quintileScores(list.map((x) => x.order_count), 'higher');
    const m = quintileScores(list.map((x) => x.net_spent), 'higher');
    list.forEach((x, i) => expect([x.recency, x.frequency, x.monetary], x.customer_id).toEqual([r[i], f[i], m[i]]));
    // 8 of 11 have one order: all F1. The six ties have 3 customers with older orders below them: R = 1 + ⌊15/11⌋ = 2.
    expect(a[0]).toMatchObject({ recency: 2, frequency: 1, monetary: 1, class: 'hibernating' });
    expect(by.get(ids.c!)).toMatchObject({ recency: 5, frequency: 5, monetary: 5, class: 'champions' });
    expect(by.get(ids.d!)).toMatchObject({ recency: 1, frequency: 1, monetary: 5, class: 'lost' });
    expect(by.get(ids.e!)).toMatchObject({ recency: 5, frequency: 1, monetary: 1, class: 'new' });
    expect(by.get(ids.b!)).toMatchObject({ recency: 1, frequency: 4, class: 'at_risk' });
  });

  it('the grid adds up to the scored customers and their net revenue', async () => {
    const o = await json<RfmOverview>('GET', '/api/rfm');
    expect(o.run?.customers).toBe(11);
    expect(o.cells.reduce((s, c) => s + c.customers, 0)).toBe(11);
    const net = 6 * 2000 + 10_000 + 11_000 + 100_000 + (3000 - 4000) + 8000;
    expect(o.cells.reduce((s, c) => s + c.revenue, 0)).toBe(net);
    expect(o.run?.revenue).toBe(net);
    expect(o.classes.reduce((s, c) => s + c.customers, 0)).toBe(11);
    expect(o.classes.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 10);
    const champions = o.classes.find((c) => c.class === 'champions')!;
    expect(champions).toMatchObject({ customers: 1, revenue: 11_000, orders: 3, averageOrderValue: Math.round(11_000 / 3) });
    // Cut points: every score's range, e.g. F1 is exactly "1 order".
    expect(o.cutPoints?.frequency[0]).toMatchObject({ score: 1, min: 1, max: 1, customers: 8 });
    expect(o.cutPoints?.recency.reduce((s, c) => s + c.customers, 0)).toBe(11);
  });

  it('lists a cell or a class, biggest spenders first, a page at a time, and exports it as CSV', async () => {
    const o = await json<RfmOverview>('GET', '/api/rfm');
    const cell = o.cells.find((c) => c.customers === 6)!;
    const seen: RfmCustomer[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: RfmCustomer[]; nextCursor: string | null; currency: string } = await json('GET', `/api/rfm/customers?r=${cell.r}&f=${cell.f}&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.currency).toBe('EUR');
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(6);
    expect(new Set(seen.map((c) => c.id)).size).toBe(6);
    expect(cell).toMatchObject({ r: 2, f: 1, class: 'hibernating', revenue: 12_000 });
    expect(seen[0]).toMatchObject({ recency: 2, frequency: 1, class: 'hibernating', label: 'Hibernating', orderCount: 1, netSpent: 2000, recencyDays: 43 });
    expect(seen[0]!.name).toMatch(/@example\.com$/);

    const byClass = await json<{ items: RfmCustomer[] }>('GET', '/api/rfm/customers?class=lost');
    expect(byClass.items.map((c) => c.id)).toEqual([ids.d]);
    const all = await json<{ items: RfmCustomer[] }>('GET', '/api/rfm/customers?limit=100');
    expect(all.items).toHaveLength(11);
    expect(all.items.map((c) => c.netSpent)).toEqual([...all.items.map((c) => c.netSpent)].sort((x, y) => y - x));

    const csv = await call('GET', `/api/rfm/customers/export?r=${cell.r}&f=${cell.f}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain(`rfm-r${cell.r}-f${cell.f}.csv`);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('id,name,email,country,class,recency,frequency,monetary,days_since_last_order,orders,net_spent_EUR,last_order_at');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toContain(',20.00,');
    const newOnes = (await call('GET', '/api/rfm/customers/export?class=new')).body;
    expect(newOnes).toContain(',new,5,1,1,0,1,-10.00,');
  });

  it('one customer’s scores for the 360° page: null without orders, 404 for no such customer', async () => {
    const c = await json<CustomerRfm>('GET', `/api/customers/${ids.c}/rfm`, undefined, support);
    expect(c).toMatchObject({ recency: 5, frequency: 5, class: 'champions', label: 'Champions', orderCount: 3, netSpent: 11_000, currency: 'EUR' });
    const none = await call('GET', `/api/customers/${ids.none}/rfm`);
    expect(none.statusCode).toBe(200);
    expect(none.json()).toBeNull();
    // Merged away: its scores are gone with it.
    expect((await call('GET', `/api/customers/${ids.m2}/rfm`)).json()).toBeNull();
    expect((await call('GET', '/api/customers/0195f0c4-0000-7000-8000-000000000000/rfm')).statusCode).toBe(404);
  });
});

describe('the table others read', () => {
  it('keeps its shape after being rebuilt: primary key, a validated cascading foreign key, checks and indexes', async () => {
    await app.patron.modules.rfm.service.recompute('manual');
    await app.patron.modules.rfm.service.recompute('manual');
    const db = app.patron.dbh.db;
    const cons = await sql<{ conname: string; contype: string; convalidated: boolean; confdeltype: string }>`
      select conname, contype, convalidated, confdeltype from pg_constraint where conrelid = 'customer_rfm'::regclass and contype in ('p', 'f', 'c') order by conname`.execute(db);
    expect(cons.rows.find((c) => c.contype === 'p')?.conname).toBe('customer_rfm_pkey');
    expect(cons.rows.find((c) => c.contype === 'f')).toMatchObject({ conname: 'customer_rfm_customer_id_fkey', convalidated: true, confdeltype: 'c' });
    expect(cons.rows.filter((c) => c.contype === 'c').length).toBeGreaterThanOrEqual(4);
    const idx = await sql<{ indexname: string }>`select indexname from pg_indexes where tablename = 'customer_rfm' order by 1`.execute(db);
    expect(idx.rows.map((i) => i.indexname)).toEqual(['customer_rfm_cell_idx', 'customer_rfm_class_idx', 'customer_rfm_pkey']);
    expect((await sql`select 1 from pg_class where relname = 'customer_rfm_next'`.execute(db)).rows).toHaveLength(0);
    // A score out of range is still refused.
    await expect(sql`update customer_rfm set recency = 6`.execute(db)).rejects.toThrow(/check constraint/);
  });
});

describe('recomputing while others work', () => {
  it('waits for a long reader of the scores without holding up writes to customers, then swaps', async () => {
    const db = app.patron.dbh.db;
    const someone = (await sql<{ id: string }>`select id from customers limit 1`.execute(db)).rows[0]!.id;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let reading!: () => void;
    const started = new Promise<void>((r) => (reading = r));
    const reader = db.transaction().execute(async (tx) => {
      await sql`select count(*) from customer_rfm`.execute(tx);
      reading();
      await held;
    });
    await started;
    const recompute = app.patron.modules.rfm.service.recompute('manual');
    await new Promise((r) => setTimeout(r, 1500));
    // The recompute is stuck behind the reader, yet profiles stay writable.
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await sql`update customers set updated_at = now() where id = ${someone}`.execute(db);
      expect(performance.now() - t0).toBeLessThan(800);
      await new Promise((r) => setTimeout(r, 300));
    }
    release();
    await reader;
    const run = await recompute;
    expect(run.customers).toBeGreaterThan(0);
    expect((await sql<{ n: number }>`select count(*)::int as n from customer_rfm`.execute(db)).rows[0]!.n).toBe(run.customers);
  });
});

describe('permissions and bad input', () => {
  it('reading needs segments:read, recomputing segments:write', async () => {
    expect((await call('GET', '/api/rfm', undefined, analyst)).statusCode).toBe(200);
    expect((await call('GET', '/api/rfm', undefined, support)).statusCode).toBe(403);
    expect((await call('GET', '/api/rfm/customers', undefined, support)).statusCode).toBe(403);
    const denied = await call('POST', '/api/rfm/recompute', {}, analyst);
    expect(denied.statusCode).toBe(403);
    expect(denied.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it.each([
    ['r=6', '/querystring/r'], ['r=0', '/querystring/r'], ['f=abc', '/querystring/f'], ['f=2.5', '/querystring/f'], ['class=vip', '/querystring/class'],
    ['class=Champions', '/querystring/class'], ['limit=0', '/querystring/limit'], ['cursor=not-a-cursor', '/querystring/cursor'], ['colour=red', '/querystring'],
  ])('GET /api/rfm/customers?%s is a 400 that says what to fix', async (qs, pointer) => {
    const res = await call('GET', `/api/rfm/customers?${qs}`);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const p = res.json() as { detail: string; errors?: { pointer: string; detail: string }[] };
    expect(p.errors?.some((e) => e.pointer.startsWith(pointer)), res.body).toBe(true);
  });

  it('the export refuses bad filters the same way; a bad customer id is a 400', async () => {
    expect((await call('GET', '/api/rfm/customers/export?r=9')).statusCode).toBe(400);
    expect((await call('GET', '/api/customers/not-a-uuid/rfm')).statusCode).toBe(400);
  });
});

describe('recomputes after imports', () => {
  it('every finished import asks for one recompute; many imports coalesce into one job', async () => {
    const db = app.patron.dbh.db;
    const jobs = async () => (await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'rfm.recompute'`.execute(db)).rows[0]!.n;
    const before = await jobs();
    expect(before).toBe(0);
    const lines = await uciSlice(400, 5);
    const imports = app.patron.modules.integrations.imports.service;
    await imports.runFile(CLI_ACTOR, tmpFile('a.csv', lines.join('\n')), { kind: 'orders', preset: 'uci', dryRun: true });
    expect(await jobs()).toBe(0); // a dry run changes nothing
    await imports.runFile(CLI_ACTOR, tmpFile('a.csv', lines.slice(0, 200).join('\n')), { kind: 'orders', preset: 'uci', dryRun: false });
    await imports.runFile(CLI_ACTOR, tmpFile('b.csv', [lines[0], ...lines.slice(200)].join('\n')), { kind: 'orders', preset: 'uci', dryRun: false });
    expect(await jobs()).toBe(1);

    // The job (run here by hand, as a worker would): scores the imported customers too.
    const run = await app.patron.modules.rfm.service.runJob('import');
    expect(run.trigger).toBe('import');
    const customers = (await sql<{ n: number }>`select count(*)::int as n from customers where merged_into is null and not anonymous and order_count > 0`.execute(db)).rows[0]!.n;
    expect(run.customers).toBe(customers);
    expect(customers).toBeGreaterThan(11);
  });

  it('a request that arrives while a run is going makes the job run again (at most twice more)', async () => {
    const db = app.patron.dbh.db;
    const runs = async () => (await sql<{ n: number }>`select count(*)::int as n from rfm_runs`.execute(db)).rows[0]!.n;
    const n0 = await runs();
    await app.patron.modules.rfm.service.runJob('nightly');
    expect(await runs()).toBe(n0 + 1); // nothing asked since the last run
    // A request stamped after any run can start (as if it came in during the run).
    await sql`update rfm_requests set requested_at = now() + interval '1 hour'`.execute(db);
    await app.patron.modules.rfm.service.runJob('nightly');
    expect(await runs()).toBe(n0 + 4);
  });

  it('listeners run after every recompute, in its transaction', async () => {
    const seen: RfmRun[] = [];
    app.patron.modules.rfm.service.afterRecompute(async (tx, run) => {
      const n = (await sql<{ n: number }>`select count(*)::int as n from customer_rfm`.execute(tx)).rows[0]!.n;
      expect(n).toBe(run.customers);
      seen.push(run);
    });
    const run = await app.patron.modules.rfm.service.recompute('manual');
    expect(seen.map((r) => r.id)).toEqual([run.id]);
  });
});
