import { Migrator, type MigrationProvider } from 'kysely';
import { Logger, runMigrations as runWorkerMigrations } from 'graphile-worker';
import type pg from 'pg';
import { migrations } from '../../migrations/index.ts';
import type { Db } from './db.ts';

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

// One advisory lock around both migration sets, so processes starting at once queue up.
const LOCK_KEY = 7_317_004_201;

export interface MigrateResult {
  applied: string[];
}

/** Runs Patron's and the job queue's migrations under an advisory lock; a no-op when current. */
export async function migrate(db: Db, pool: pg.Pool): Promise<MigrateResult> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      // Unordered: a development database may have applied a later-numbered migration from a
      // parallel branch first; each migration is still applied exactly once.
      const migrator = new Migrator({ db, provider, migrationTableName: 'patron_migrations', migrationLockTableName: 'patron_migrations_lock', allowUnorderedMigrations: true });
      const { error, results } = await migrator.migrateToLatest();
      const failed = results?.find((r) => r.status === 'Error');
      if (error) {
        throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      await runWorkerMigrations({ pgPool: pool, logger: silentLogger });
      return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
    } finally {
      await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

/** Names of migrations known to the code but not applied to the database. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'patron_migrations', migrationLockTableName: 'patron_migrations_lock', allowUnorderedMigrations: true });
  const all = await migrator.getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

const silentLogger = new Logger(() => () => undefined);
