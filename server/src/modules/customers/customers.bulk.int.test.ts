import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../platform/db/db.ts';
import { startTestApp, type TestApp } from '../../testing/harness.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

/** Rows of customers read so far by this transaction (heap and index), from Postgres's own counters. */
async function customerRowsRead(tx: Tx): Promise<number> {
  const t = await sql<{ n: string }>`select coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) as n from pg_stat_xact_user_tables where relname = 'customers'`.execute(tx);
  const i = await sql<{ n: string }>`select coalesce(sum(pg_stat_get_xact_tuples_returned(indexrelid)), 0) as n from pg_index where indrelid = 'customers'::regclass`.execute(tx);
  return Number(t.rows[0]?.n ?? 0) + Number(i.rows[0]?.n ?? 0);
}

describe('touchLastSeen (tracking: every batch proves its profiles live and moves last seen)', () => {
  it('reads only the profiles it is given, even on a young table with no statistics', async () => {
    await app.patron.dbh.db.transaction().execute(async (tx) => {
      // Thousands of profiles the planner knows nothing of (not analyzed: a new store's first minutes).
      await sql`insert into customers (id, source, anonymous) select gen_random_uuid(), 'test', true from generate_series(1, 5000)`.execute(tx);
      const ids = (await sql<{ id: string }>`select id from customers where source = 'test' order by random() limit 15`.execute(tx)).rows.map((r) => r.id);
      const [merged, survivor] = ids;
      await sql`update customers set merged_into = ${survivor}::uuid where id = ${merged}::uuid`.execute(tx);
      await sql`update customers set last_seen_at = now() where id = ${ids[2]}::uuid`.execute(tx);

      const before = await customerRowsRead(tx);
      const later = new Date(Date.now() + 3_600_000);
      const live = await app.patron.modules.customers.bulk.touchLastSeen(tx, new Map(ids.map((id) => [id, later])), 60_000);
      const read = (await customerRowsRead(tx)) - before;

      expect([...live].sort()).toEqual(ids.slice(1).sort());
      const seen = await sql<{ id: string; last_seen_at: Date | null }>`select id, last_seen_at from customers where id = any(${ids}::uuid[])`.execute(tx);
      for (const r of seen.rows) {
        if (r.id === merged) expect(r.last_seen_at).toBeNull(); // a merged-away profile is not touched
        else expect(r.last_seen_at?.getTime()).toBe(later.getTime());
      }
      // By primary key: a few rows per id. Scanning every live profile read 5,000+ (7 ms per batch at 13k).
      expect(read).toBeLessThan(15 * 8);
      throw new Rollback();
    }).catch((e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
  });
});

class Rollback extends Error {}
