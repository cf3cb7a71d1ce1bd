import { Kysely, PostgresDialect, sql, type RawBuilder, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './types.ts';

// int8 (counts, minor-unit money sums) as JS numbers: exact up to 2^53, far beyond any store's totals.
pg.types.setTypeParser(20, (v: string) => Number(v));
// `date` columns (birthdays) stay 'YYYY-MM-DD' strings: a Date would shift them across time zones.
pg.types.setTypeParser(1082, (v: string) => v);

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or a transaction: repos accept both so callers decide the transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export interface DbHandle {
  db: Db;
  pool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

/** Opens a pool and a Kysely instance on it. */
export function openDb(url: string, poolSize: number, onError?: (err: Error) => void): DbHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'patron',
  });
  // An idle client losing its connection (database restarted) must not crash the process.
  pool.on('error', (err) => onError?.(err));
  pool.on('connect', (client) => client.on('error', (err) => onError?.(err)));
  // Kysely sees a pool whose clients run queries marked with `prepared(name)` as named statements.
  const kyselyPool = {
    connect: async () => preparing(await pool.connect()),
    end: () => pool.end(),
  };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: kyselyPool }) });
  return {
    db,
    pool,
    url,
    async close() {
      await db.destroy();
    },
  };
}

const PREPARED_MARK = /^\/\*prepared:([\w.-]+)\*\/ /;
const PATCHED = Symbol('patron.prepared');

/**
 * Marks a hot query to be planned once per connection (a named prepared statement) instead of on
 * every call: put it first in the `sql` template. Worth it where planning costs more than running
 * (a CTE read by a primary key on every API request). The name must belong to one query text.
 */
export function prepared(name: string): RawBuilder<unknown> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`prepared statement name ${name}: letters, digits, '.', '-' and '_' only`);
  return sql.raw(`/*prepared:${name}*/ `);
}

function preparing(client: pg.PoolClient): pg.PoolClient {
  const c = client as pg.PoolClient & { [PATCHED]?: true };
  if (c[PATCHED]) return c;
  c[PATCHED] = true;
  const query = c.query.bind(c) as (...args: unknown[]) => unknown;
  // Only the (text, values) form Kysely uses is rewritten; every other call (callbacks, configs,
  // cursors, other users of the same pool such as the job queue) passes through untouched.
  (c as { query: unknown }).query = (...args: unknown[]) => {
    const m = args.length === 2 && typeof args[0] === 'string' ? PREPARED_MARK.exec(args[0]) : null;
    return m ? query({ name: m[1], text: args[0], values: args[1] }) : query(...args);
  };
  return c;
}

/** True when an error means the database is unreachable rather than a query being wrong. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  const code = e.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004'].includes(code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(e.message ?? '');
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Replaces the database name in a connection URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}
