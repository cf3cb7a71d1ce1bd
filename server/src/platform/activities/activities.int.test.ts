import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../testing/harness.ts';
import { openDb, type DbHandle } from '../db/db.ts';
import { newId } from '../ids.ts';
import { Activities, type Activity } from './activities.ts';

async function customer(): Promise<string> {
  const id = newId();
  await dbh.db.insertInto('customers').values({ id, source: 'test', tags: [], attributes: '{}', addresses: '[]', anonymous: false, first_name: null, last_name: null, email: null, phone: null, birthday: null, locale: null, time_zone: null, country: null, merged_into: null, first_order_at: null, last_order_at: null, last_seen_at: null }).execute();
  return id;
}

let dbh: DbHandle;
let drop: () => Promise<void>;
beforeAll(async () => {
  const d = await createTestDatabase();
  drop = d.drop;
  dbh = openDb(d.url, 4);
});
afterAll(async () => {
  await dbh?.close();
  await drop?.();
});

describe('activity stream', () => {
  it('appends, dispatches to listeners in the same transaction, and pages newest first', async () => {
    const acts = new Activities();
    const seen: Activity[] = [];
    const all: string[] = [];
    acts.on('Order Completed', async (_tx, a) => void seen.push(a));
    acts.on('*', async (_tx, a) => void all.push(a.type));
    const customerId = await customer();
    await dbh.db.transaction().execute(async (tx) => {
      await acts.append(tx, [
        { customerId, type: 'Page Viewed', source: 'tracking', occurredAt: new Date('2026-01-01T10:00:00Z'), properties: { path: '/' } },
        { customerId, type: 'Order Completed', source: 'shopify', occurredAt: new Date('2026-01-02T10:00:00Z'), properties: { total: 1999 } },
        { customerId, type: 'Custom Thing', source: 'api', occurredAt: new Date('2026-01-03T10:00:00Z') },
      ]);
    });
    expect(seen.map((a) => a.properties)).toEqual([{ total: 1999 }]);
    expect(all).toEqual(['Page Viewed', 'Order Completed', 'Custom Thing']);
    const page1 = await acts.forCustomer(dbh.db, customerId, { limit: 2 });
    expect(page1.map((a) => a.type)).toEqual(['Custom Thing', 'Order Completed']);
    const last = page1.at(-1)!;
    const page2 = await acts.forCustomer(dbh.db, customerId, { limit: 2, before: { occurredAt: last.occurredAt, id: last.id } });
    expect(page2.map((a) => a.type)).toEqual(['Page Viewed']);
    const orders = await acts.forCustomer(dbh.db, customerId, { limit: 10, types: ['Order Completed'] });
    expect(orders).toHaveLength(1);
  });

  it('a failing listener rolls the activity back with the business write', async () => {
    const acts = new Activities();
    acts.on('Order Completed', async () => {
      throw new Error('listener failed');
    });
    const customerId = await customer();
    await expect(dbh.db.transaction().execute((tx) => acts.append(tx, [{ customerId, type: 'Order Completed', source: 'api' }]))).rejects.toThrow('listener failed');
    expect(await acts.forCustomer(dbh.db, customerId, { limit: 10 })).toEqual([]);
  });

  it('stores one activity per dedupe key (redelivered webhooks)', async () => {
    const acts = new Activities();
    const customerId = await customer();
    const first = await dbh.db.transaction().execute((tx) => acts.append(tx, [{ customerId, type: 'Order Completed', source: 'shopify', dedupeKey: 'shopify:order:1:created' }]));
    const again = await dbh.db.transaction().execute((tx) => acts.append(tx, [{ customerId, type: 'Order Completed', source: 'shopify', dedupeKey: 'shopify:order:1:created' }]));
    expect(first).toHaveLength(1);
    expect(again).toHaveLength(0);
    expect(await acts.forCustomer(dbh.db, customerId, { limit: 10 })).toHaveLength(1);
  });

  describe('every activity belongs to an existing customer (ADR 0027)', () => {
    const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e as { code?: string }).code);
    const countOf = async (customerId: string) => (await new Activities().forCustomer(dbh.db, customerId, { limit: 100 })).length;
    const del = (id: string) => dbh.db.transaction().execute((tx) => tx.deleteFrom('customers').where('id', '=', id).execute());

    it('an append naming a customer that does not exist fails as a whole with 23503', async () => {
      const acts = new Activities();
      const real = await customer();
      const ghost = newId();
      const r = dbh.db.transaction().execute((tx) => acts.append(tx, [
        { customerId: real, type: 'Page Viewed', source: 'tracking' },
        { customerId: ghost, type: 'Page Viewed', source: 'tracking' },
      ]));
      await expect(r).rejects.toThrow(`activity for customer ${ghost}, which does not exist`);
      expect(await codeOf(r)).toBe('23503');
      expect(await countOf(real)).toBe(0);
    });

    it('a customer with activities cannot be deleted; one without can', async () => {
      const acts = new Activities();
      const withActs = await customer();
      const without = await customer();
      await dbh.db.transaction().execute((tx) => acts.append(tx, [{ customerId: withActs, type: 'Note Added', source: 'ui' }]));
      expect(await codeOf(del(withActs))).toBe('23503');
      expect(await codeOf(del(without))).toBe('ok');
      expect(await dbh.db.selectFrom('customers').select('id').where('id', 'in', [withActs, without]).execute()).toEqual([{ id: withActs }]);
    });

    it('a delete racing an append: whichever commits first, no activity is left without its customer', async () => {
      const acts = new Activities();
      // The append first: the delete waits for it, then sees its activity and fails.
      const a = await customer();
      let commit!: () => void;
      const gate = new Promise<void>((r) => (commit = r));
      let appended!: () => void;
      const inserted = new Promise<void>((r) => (appended = r));
      const appending = dbh.db.transaction().execute(async (tx) => {
        await acts.append(tx, [{ customerId: a, type: 'Page Viewed', source: 'tracking' }]);
        appended();
        await gate;
      });
      await inserted;
      const deleting = codeOf(del(a));
      await new Promise((r) => setTimeout(r, 200));
      commit();
      await appending;
      expect(await deleting).toBe('23503');
      expect(await countOf(a)).toBe(1);

      // The delete first: the append waits for it, then finds no customer and fails.
      const b = await customer();
      const deleter = await dbh.pool.connect();
      try {
        await deleter.query('begin');
        await deleter.query('delete from customers where id = $1', [b]);
        const appending = codeOf(dbh.db.transaction().execute((tx) => acts.append(tx, [{ customerId: b, type: 'Page Viewed', source: 'tracking' }])));
        await new Promise((r) => setTimeout(r, 200));
        await deleter.query('commit');
        expect(await appending).toBe('23503');
      } finally {
        deleter.release();
      }
      expect(await countOf(b)).toBe(0);
    });
  });
});
