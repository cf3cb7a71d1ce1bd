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
    /** This run's id (the vitest main process pid), part of every database name it creates. */
    pgRunId: string;
  }
}

let embedded: EmbeddedServer | undefined;
let adminUrl = '';
let template = '';

/**
 * Starts the test PostgreSQL (embedded, or the server of DATABASE_URL) and migrates a
 * template database once; each test file then clones its own database from it in milliseconds.
 */
const runsDir = path.resolve('.test-pg/runs');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of other test runs sharing the embedded server (several vitest processes may run at once). */
function otherRuns(): number[] {
  try {
    return fs.readdirSync(runsDir).map(Number).filter((pid) => pid !== process.pid && Number.isInteger(pid) && alive(pid));
  } catch {
    return [];
  }
}

export async function setup(project: TestProject): Promise<void> {
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabase(process.env.DATABASE_URL, 'postgres');
    console.log(`[tests] PostgreSQL from DATABASE_URL (${new URL(adminUrl).host})`);
  } else {
    const dir = path.resolve('.test-pg');
    fs.mkdirSync(runsDir, { recursive: true });
    fs.writeFileSync(path.join(runsDir, String(process.pid)), '');
    // 'guest': a server another run started is shared, and the last run to finish stops it.
    embedded = await startEmbedded({ dataDir: dir, role: 'guest', settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' } });
    adminUrl = embedded.url;
    console.log('[tests] embedded PostgreSQL');
  }
  template = `patron_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const v = await admin.query<{ server_version: string }>('show server_version');
  console.log(`[tests] PostgreSQL ${v.rows[0]?.server_version}`);
  // Databases of runs that died (their pid is in the name); live runs' databases are left alone.
  const old = await admin.query<{ datname: string }>("select datname from pg_database where datname ~ '^patron_(tpl|test)_[0-9]+'");
  for (const r of old.rows) {
    const pid = Number(/^patron_(?:tpl|test)_(\d+)/.exec(r.datname)?.[1]);
    if (pid !== process.pid && !alive(pid)) await admin.query(`drop database if exists "${r.datname}" with (force)`);
  }
  await admin.query(`create database "${template}"`);
  await admin.end();
  const dbh = openDb(withDatabase(adminUrl, template), 4);
  await migrate(dbh.db, dbh.pool);
  await dbh.close();
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);
  project.provide('pgRunId', String(process.pid));
}

export async function teardown(): Promise<void> {
  if (adminUrl) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const dbs = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1 or datname = $2', [`patron_test_${process.pid}_%`, template]);
    for (const r of dbs.rows) await admin.query(`drop database if exists "${r.datname}" with (force)`);
    await admin.end();
  }
  fs.rmSync(path.join(runsDir, String(process.pid)), { force: true });
  if (embedded && otherRuns().length === 0) {
    // Started by another run that already finished, or by us: nobody else needs it now.
    await stopServerOf(embedded);
  }
}

async function stopServerOf(server: EmbeddedServer): Promise<void> {
  if (server.owned) return server.stop();
  const pidFile = path.resolve('.test-pg/pg/postmaster.pid');
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (pid && alive(pid)) process.kill(pid, 'SIGINT');
  } catch {
    // already gone
  }
}
