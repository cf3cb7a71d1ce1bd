import pg from 'pg';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { migrations } from '../../migrations/index.ts';
import { openDb, withDatabase } from './db.ts';
import { migrate, pendingMigrations } from './migrate.ts';

async function emptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  const name = `patron_test_${inject('pgRunId')}_empty_${Math.random().toString(36).slice(2, 10)}`;
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  return {
    url: withDatabase(inject('pgAdminUrl'), name),
    async drop() {
      const c = new pg.Client({ connectionString: inject('pgAdminUrl') });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

describe('migrations', () => {
  it('migrate an empty database, and a second run is a no-op', async () => {
    const d = await emptyDatabase();
    const dbh = openDb(d.url, 4);
    try {
      expect(await pendingMigrations(dbh.db)).toEqual(Object.keys(migrations));
      const first = await migrate(dbh.db, dbh.pool);
      expect(first.applied).toEqual(Object.keys(migrations));
      const tables = await sql<{ t: string }>`select table_name as t from information_schema.tables where table_schema = 'public'`.execute(dbh.db);
      expect(tables.rows.map((r) => r.t)).toEqual(expect.arrayContaining(['users', 'sessions', 'api_keys', 'audit_log', 'activities', 'settings']));
      const jobsSchema = await sql<{ n: number }>`select count(*)::int as n from information_schema.schemata where schema_name = 'graphile_worker'`.execute(dbh.db);
      expect(jobsSchema.rows[0]!.n).toBe(1);
      const second = await migrate(dbh.db, dbh.pool);
      expect(second.applied).toEqual([]);
      expect(await pendingMigrations(dbh.db)).toEqual([]);
    } finally {
      await dbh.close();
      await d.drop();
    }
  });

  it('processes starting at once do not race (advisory lock)', async () => {
    const d = await emptyDatabase();
    const handles = [openDb(d.url, 3), openDb(d.url, 3), openDb(d.url, 3)];
    try {
      const results = await Promise.all(handles.map((h) => migrate(h.db, h.pool)));
      const applied = results.flatMap((r) => r.applied);
      expect(applied.sort()).toEqual(Object.keys(migrations).sort());
    } finally {
      await Promise.all(handles.map((h) => h.close()));
      await d.drop();
    }
  });

  it('migration names are ordered and numbered, so history stays append-only', () => {
    const names = Object.keys(migrations);
    expect(names).toEqual([...names].sort());
    names.forEach((n, i) => expect(n.startsWith(String(i + 1).padStart(4, '0') + '_')).toBe(true));
  });
});
