import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { sql } from 'kysely';
import { z } from 'zod';
import { createTestDatabase } from '../../testing/harness.ts';
import { openDb, type DbHandle } from '../db/db.ts';
import { Jobs } from './jobs.ts';

let dbh: DbHandle;
let drop: () => Promise<void>;
let jobs: Jobs;
const ran: string[] = [];
let flaky = 0;

async function until(cond: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  const d = await createTestDatabase();
  drop = d.drop;
  dbh = openDb(d.url, 6);
  jobs = new Jobs(dbh.pool, pino({ level: 'silent' }));
  jobs.register({ name: 'test.record', payload: z.object({ v: z.string() }), handler: async (p) => void ran.push(p.v) });
  jobs.register({ name: 'test.always-fails', payload: z.object({}), maxAttempts: 2, handler: async () => { throw new Error('the mail server said no'); } });
  jobs.register({ name: 'test.flaky', payload: z.object({}), maxAttempts: 5, handler: async () => { if (++flaky < 2) throw new Error('transient'); ran.push('flaky-ok'); } });
  jobs.register({ name: 'test.cron', payload: z.object({}).passthrough(), handler: async () => undefined });
  jobs.cron({ pattern: '*/5 * * * *', job: 'test.cron' });
  await jobs.start(2);
});
afterAll(async () => {
  await jobs?.stop();
  await dbh?.close();
  await drop?.();
});

describe('jobs', () => {
  it('enqueued in a rolled-back transaction never exists; committed, it runs', async () => {
    await dbh.db.transaction().execute(async (tx) => {
      await jobs.enqueue(tx, 'test.record', { v: 'committed' });
    });
    await expect(
      dbh.db.transaction().execute(async (tx) => {
        await jobs.enqueue(tx, 'test.record', { v: 'rolled-back' });
        throw new Error('business write failed');
      }),
    ).rejects.toThrow('business write failed');
    await until(() => ran.includes('committed'));
    await new Promise((r) => setTimeout(r, 300));
    expect(ran).not.toContain('rolled-back');
  });

  it('validates payloads when enqueuing', async () => {
    await expect(jobs.enqueue(dbh.db, 'test.record', { v: 42 })).rejects.toThrow();
    await expect(jobs.enqueue(dbh.db, 'no.such.job', {})).rejects.toThrow(/Unknown job/);
  });

  it('dedupes by job key while a job waits', async () => {
    const runAt = new Date(Date.now() + 3600_000);
    await jobs.enqueue(dbh.db, 'test.record', { v: 'k1' }, { jobKey: 'same-key', runAt });
    await jobs.enqueue(dbh.db, 'test.record', { v: 'k2' }, { jobKey: 'same-key', runAt });
    const rows = await jobs.list(dbh.db, { task: 'test.record', limit: 10, state: 'scheduled' });
    expect(rows.filter((r) => r.key === 'same-key')).toHaveLength(1);
  });

  it('retries a failing job with backoff and succeeds', async () => {
    await jobs.enqueue(dbh.db, 'test.flaky', {});
    // First attempt fails and is rescheduled into the future (exponential backoff).
    await until(async () => (await jobs.list(dbh.db, { task: 'test.flaky', limit: 5 })).some((j) => j.attempts === 1 && j.lastError?.includes('transient')));
    const [j] = await jobs.list(dbh.db, { task: 'test.flaky', limit: 5 });
    expect(j!.runAt.getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(j!.state).toBe('retrying');
    // Pull the retry forward instead of waiting out the backoff.
    expect(await jobs.retry(j!.id)).toBe(true);
    await until(() => ran.includes('flaky-ok'));
  });

  it('a job that exhausts its attempts is kept as failed with its error, and can be retried or deleted', async () => {
    await jobs.enqueue(dbh.db, 'test.always-fails', {});
    await until(async () => (await jobs.list(dbh.db, { task: 'test.always-fails', limit: 5 })).some((j) => j.attempts >= 1));
    // Skip the backoff wait.
    await sql`update graphile_worker._private_jobs set run_at = now() where attempts > 0`.execute(dbh.db);
    await until(async () => (await jobs.list(dbh.db, { state: 'failed', limit: 5 })).length === 1);
    const [dead] = await jobs.list(dbh.db, { state: 'failed', limit: 5 });
    expect(dead!.task).toBe('test.always-fails');
    expect(dead!.lastError).toContain('the mail server said no');
    expect((await jobs.counts(dbh.db)).failed).toBe(1);
    expect(await jobs.remove(dead!.id)).toBe(true);
    expect((await jobs.counts(dbh.db)).failed).toBe(0);
  });

  it('registers cron schedules with the queue', async () => {
    const rows = await sql<{ identifier: string }>`select identifier from graphile_worker._private_known_crontabs`.execute(dbh.db);
    expect(rows.rows.map((r) => r.identifier)).toContain('test.cron');
    expect(() => jobs.cron({ pattern: '* * *', job: 'test.cron', identifier: 'bad' })).toThrow(/Invalid cron pattern/);
  });
});
