import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbedded, type EmbeddedServer } from '../server/src/platform/db/embedded.ts';
import { openDb, withDatabase } from '../server/src/platform/db/db.ts';
import { migrate } from '../server/src/platform/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A connection URL to the test server's maintenance database. */
    pgAdminUrl: string;
    /** The migrated template every test file clones its database from. */
    pgTemplate: string;
  }
}

let embedded: EmbeddedServer | undefined;
let adminUrl = '';
let template = '';

/**
 * Starts the test PostgreSQL (embedded, or the server of DATABASE_URL) and migrates a
 * template database once; each test file then clones its own database from it in milliseconds.
 */
export async function setup(project: TestProject): Promise<void> {
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabase(process.env.DATABASE_URL, 'postgres');
    console.log(`[tests] PostgreSQL from DATABASE_URL (${new URL(adminUrl).host})`);
  } else {
    const dir = path.resolve('.test-pg');
    fs.mkdirSync(dir, { recursive: true });
    embedded = await startEmbedded({ dataDir: dir, role: 'owner', settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' } });
    adminUrl = embedded.url;
    console.log('[tests] embedded PostgreSQL');
  }
  template = `patron_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const v = await admin.query<{ server_version: string }>('show server_version');
  console.log(`[tests] PostgreSQL ${v.rows[0]?.server_version}`);
  // Leftovers of killed runs.
  const old = await admin.query<{ datname: string }>("select datname from pg_database where datname like 'patron_tpl_%' or datname like 'patron_test_%'");
  for (const r of old.rows) await admin.query(`drop database if exists "${r.datname}" with (force)`);
  await admin.query(`create database "${template}"`);
  await admin.end();
  const dbh = openDb(withDatabase(adminUrl, template), 4);
  await migrate(dbh.db, dbh.pool);
  await dbh.close();
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);
}

export async function teardown(): Promise<void> {
  if (adminUrl) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const dbs = await admin.query<{ datname: string }>("select datname from pg_database where datname like 'patron_test_%' or datname = $1", [template]);
    for (const r of dbs.rows) await admin.query(`drop database if exists "${r.datname}" with (force)`);
    await admin.end();
  }
  await embedded?.stop();
}
