import pg from 'pg';
import type { Config } from '../../config.ts';
import { startEmbedded, type EmbeddedServer } from './embedded.ts';
import { withDatabase } from './db.ts';

export interface DatabaseTarget {
  url: string;
  embedded: EmbeddedServer | undefined;
}

/** Thrown when the database cannot be reached at start; its message is for the person starting Patron. */
export class DatabaseUnavailableError extends Error {}

/** The database to use: DATABASE_URL, or the embedded server for the data directory (started if needed). */
export async function resolveDatabase(config: Config, role: 'owner' | 'guest', log: (m: string) => void): Promise<DatabaseTarget> {
  if (config.databaseUrl) {
    await ensureReachable(config.databaseUrl);
    return { url: config.databaseUrl, embedded: undefined };
  }
  let embedded: EmbeddedServer;
  try {
    embedded = await startEmbedded({ dataDir: config.dataDir, role, log });
  } catch (e) {
    throw new DatabaseUnavailableError(`Could not start the embedded PostgreSQL: ${(e as Error).message}`);
  }
  const url = withDatabase(embedded.url, 'patron');
  try {
    await ensureReachable(url);
  } catch (e) {
    await embedded.stop();
    throw e;
  }
  return { url, embedded };
}

/** Connects once; creates the database if the server says it does not exist. */
async function ensureReachable(url: string): Promise<void> {
  const safe = redactUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    const v = await client.query<{ server_version_num: string }>('show server_version_num');
    if (Number(v.rows[0]?.server_version_num) < 150000) throw new DatabaseUnavailableError(`PostgreSQL 15 or newer is required; ${safe} runs ${v.rows[0]?.server_version_num}.`);
  } catch (e) {
    const err = e as { code?: string; message: string };
    if (err.code === '3D000') {
      await client.end().catch(() => undefined);
      await createDatabase(url);
      return;
    }
    if (e instanceof DatabaseUnavailableError) throw e;
    throw new DatabaseUnavailableError(`Cannot connect to the database at ${safe}: ${err.message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function createDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres'), connectionTimeoutMillis: 10_000 });
  try {
    await admin.connect();
    await admin.query(`create database "${name.replace(/"/g, '""')}"`);
  } catch (e) {
    const err = e as { code?: string; message: string };
    // 42P04: another process created it first.
    if (err.code !== '42P04') throw new DatabaseUnavailableError(`Database "${name}" does not exist and could not be created: ${err.message}`);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
