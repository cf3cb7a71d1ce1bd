import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { openDb, prepared } from './db.ts';

describe('prepared statements', () => {
  it('plans a marked query once per connection and runs it with each call’s values', async () => {
    const dbh = openDb(inject('pgAdminUrl'), 1);
    try {
      const square = async (n: number) => (await sql<{ v: number }>`${prepared('test.square')} select ${n}::int * ${n}::int as v`.execute(dbh.db)).rows[0]!.v;
      expect([await square(3), await square(4), await square(5)]).toEqual([9, 16, 25]);
      // One connection: the statement exists on it under its name.
      const names = (await sql<{ name: string }>`select name from pg_prepared_statements`.execute(dbh.db)).rows.map((r) => r.name);
      expect(names).toContain('test.square');
      // Unmarked queries stay unnamed, and transactions work through the same clients.
      const inTx = await dbh.db.transaction().execute(async (tx) => (await sql<{ v: number }>`${prepared('test.square')} select ${6}::int * ${6}::int as v`.execute(tx)).rows[0]!.v);
      expect(inTx).toBe(36);
      expect((await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements`.execute(dbh.db)).rows[0]!.n).toBe(1);
    } finally {
      await dbh.close();
    }
  });

  it('leaves every other use of the pool’s clients alone (pg-pool’s callback form, used by the job queue)', async () => {
    const dbh = openDb(inject('pgAdminUrl'), 1);
    try {
      // Kysely takes the one client first, so it is the wrapped one the pool hands out next.
      await sql`${prepared('test.one')} select 1`.execute(dbh.db);
      const r = await Promise.race([dbh.pool.query<{ v: number }>('select $1::int as v', [7]), new Promise<never>((_, no) => setTimeout(() => no(new Error('pool.query never answered')), 5000))]);
      expect(r.rows[0]!.v).toBe(7);
      expect((await dbh.pool.query({ text: 'select $1::int as v', values: [8], name: 'test.config' })).rows[0]!.v).toBe(8);
    } finally {
      await dbh.close();
    }
  });

  it('refuses names that could break out of the marker comment', () => {
    expect(() => prepared('a*/ drop table x; /*')).toThrow(/letters, digits/);
  });
});
