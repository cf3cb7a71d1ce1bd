import { sql } from 'kysely';
import {
  Logger,
  makeWorkerUtils,
  parseCronItems,
  run,
  type CronItem,
  type JobHelpers,
  type Runner,
  type Task,
  type TaskList,
  type WorkerUtils,
} from 'graphile-worker';
import type pg from 'pg';
import type { Logger as Pino } from 'pino';
import type { z } from 'zod';
import type { Db, Executor } from '../db/db.ts';

export interface JobContext {
  /** Attempt number, starting at 1. */
  attempt: number;
  jobId: string;
  log: Pino;
}

/** A job type: a name, the payload's schema and an idempotent handler (every job may run twice). */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  payload: S;
  maxAttempts?: number;
  handler(payload: z.output<S>, ctx: JobContext): Promise<void>;
}

export interface EnqueueOptions {
  /** Deduplicates: while a job with this key is waiting or running, another enqueue with it adds nothing. */
  jobKey?: string;
  runAt?: Date;
  maxAttempts?: number;
  queue?: string;
  priority?: number;
}

export interface CronDefinition {
  /** Standard five-field crontab pattern, in UTC. */
  pattern: string;
  job: string;
  identifier?: string;
  payload?: Record<string, unknown>;
  /** Run a missed tick on start if it is at most this old. */
  backfillMs?: number;
}

export type JobState = 'waiting' | 'scheduled' | 'running' | 'retrying' | 'failed';

export interface JobRow {
  id: string;
  task: string;
  queue: string | null;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  runAt: Date;
  createdAt: Date;
  updatedAt: Date;
  key: string | null;
  payload: unknown;
}

/** The job queue (graphile-worker on Patron's own database). Jobs are enqueued inside business transactions. */
export class Jobs {
  private defs = new Map<string, JobDefinition>();
  private crons: CronDefinition[] = [];
  private runner: Runner | undefined;
  private utils: WorkerUtils | undefined;

  private readonly pool: pg.Pool;
  private readonly log: Pino;

  constructor(pool: pg.Pool, log: Pino) {
    this.pool = pool;
    this.log = log;
  }

  register<S extends z.ZodType>(def: JobDefinition<S>): void {
    if (this.defs.has(def.name)) throw new Error(`Job ${def.name} registered twice`);
    this.defs.set(def.name, def as unknown as JobDefinition);
  }

  cron(def: CronDefinition): void {
    if (!this.defs.has(def.job)) throw new Error(`Cron for unknown job ${def.job}`);
    try {
      parseCronItems([this.toCronItem(def)]);
    } catch (e) {
      throw new Error(`Invalid cron pattern "${def.pattern}" for ${def.job}: ${(e as Error).message}`);
    }
    this.crons.push(def);
  }

  private toCronItem(c: CronDefinition): CronItem {
    return {
      task: c.job,
      match: c.pattern,
      identifier: c.identifier ?? c.job,
      payload: c.payload ?? {},
      options: { backfillPeriod: c.backfillMs ?? 0, maxAttempts: this.defs.get(c.job)?.maxAttempts ?? 10, queueName: undefined, jobKey: undefined, priority: undefined, jobKeyMode: undefined },
    };
  }

  names(): string[] {
    return [...this.defs.keys()];
  }

  /** Enqueues in the caller's transaction (or directly with `db`): the job exists iff the write commits. */
  async enqueue(executor: Executor, name: string, payload: unknown, opts: EnqueueOptions = {}): Promise<void> {
    const def = this.defs.get(name);
    if (!def) throw new Error(`Unknown job ${name}`);
    const parsed: unknown = def.payload.parse(payload);
    await sql`select graphile_worker.add_job(
      identifier => ${name}::text,
      payload => ${JSON.stringify(parsed)}::json,
      queue_name => ${opts.queue ?? null}::text,
      run_at => ${opts.runAt ?? null}::timestamptz,
      max_attempts => ${opts.maxAttempts ?? def.maxAttempts ?? 10}::int,
      job_key => ${opts.jobKey ?? null}::text,
      priority => ${opts.priority ?? 0}::int,
      job_key_mode => ${opts.jobKey ? 'unsafe_dedupe' : null}::text
    )`.execute(executor);
  }

  /** Starts processing jobs (and cron ticks) until stop(). */
  async start(concurrency: number): Promise<void> {
    const taskList: TaskList = {};
    for (const def of this.defs.values()) taskList[def.name] = this.wrap(def);
    const cronItems = this.crons.map((c) => this.toCronItem(c));
    this.runner = await run({
      pgPool: this.pool,
      taskList,
      parsedCronItems: parseCronItems(cronItems),
      concurrency,
      noHandleSignals: true,
      pollInterval: 2000,
      logger: workerLogger(this.log),
    });
  }

  /** Stops taking jobs and waits for the running ones to finish. */
  async stop(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    if (runner) await runner.stop();
    if (this.utils) {
      await this.utils.release();
      this.utils = undefined;
    }
  }

  get running(): boolean {
    return this.runner !== undefined;
  }

  private wrap(def: JobDefinition): Task {
    return async (raw: unknown, helpers: JobHelpers) => {
      const attempt = helpers.job.attempts;
      const log = this.log.child({ job: def.name, jobId: helpers.job.id, attempt });
      const parsed = def.payload.safeParse(raw);
      if (!parsed.success) {
        // A payload that can never be valid: fail for good rather than retry.
        await (await this.workerUtils()).permanentlyFailJobs([helpers.job.id], `Invalid payload: ${parsed.error.message}`);
        return;
      }
      const started = performance.now();
      try {
        await def.handler(parsed.data, { attempt, jobId: helpers.job.id, log });
        jobsMetrics?.observe(def.name, 'completed', performance.now() - started);
      } catch (err) {
        jobsMetrics?.observe(def.name, 'failed', performance.now() - started);
        log.warn({ err }, `job ${def.name} failed (attempt ${attempt})`);
        throw err;
      }
    };
  }

  private async workerUtils(): Promise<WorkerUtils> {
    this.utils ??= await makeWorkerUtils({ pgPool: this.pool, logger: workerLogger(this.log) });
    return this.utils;
  }

  /** Jobs in the queue, newest first, for the jobs page. */
  async list(db: Db, filter: { state?: JobState; task?: string; limit: number; before?: string }): Promise<JobRow[]> {
    const stateExpr = sql<JobState>`case
      when j.attempts >= j.max_attempts then 'failed'
      when j.locked_at is not null then 'running'
      when j.attempts > 0 then 'retrying'
      when j.run_at > now() then 'scheduled'
      else 'waiting' end`;
    const rows = await sql<{
      id: string; task: string; queue: string | null; state: JobState; attempts: number; max_attempts: number;
      last_error: string | null; run_at: Date; created_at: Date; updated_at: Date; key: string | null; payload: unknown;
    }>`
      select j.id::text as id, j.task_identifier as task, j.queue_name as queue, ${stateExpr} as state,
             j.attempts, j.max_attempts, j.last_error, j.run_at, j.created_at, j.updated_at, j.key, p.payload
      from graphile_worker.jobs j
      join graphile_worker._private_jobs p on p.id = j.id
      where (${filter.task ?? null}::text is null or j.task_identifier = ${filter.task ?? null})
        and (${filter.before ?? null}::bigint is null or j.id < ${filter.before ?? null}::bigint)
        and (${filter.state ?? null}::text is null or ${stateExpr} = ${filter.state ?? null})
      order by j.id desc
      limit ${filter.limit}`.execute(db);
    return rows.rows.map((r) => ({
      id: r.id, task: r.task, queue: r.queue, state: r.state, attempts: r.attempts, maxAttempts: r.max_attempts,
      lastError: r.last_error, runAt: r.run_at, createdAt: r.created_at, updatedAt: r.updated_at, key: r.key, payload: r.payload,
    }));
  }

  async counts(db: Db): Promise<Record<JobState, number>> {
    const rows = await sql<{ state: JobState; n: number }>`
      select case
        when attempts >= max_attempts then 'failed'
        when locked_at is not null then 'running'
        when attempts > 0 then 'retrying'
        when run_at > now() then 'scheduled'
        else 'waiting' end as state, count(*)::int as n
      from graphile_worker.jobs group by 1`.execute(db);
    const out: Record<JobState, number> = { waiting: 0, scheduled: 0, running: 0, retrying: 0, failed: 0 };
    for (const r of rows.rows) out[r.state] = r.n;
    return out;
  }

  /** Runs a job again now, with its attempts reset. Returns false if no such job. */
  async retry(id: string): Promise<boolean> {
    const done = await (await this.workerUtils()).rescheduleJobs([id], { runAt: new Date(), attempts: 0 });
    return done.length > 0;
  }

  /** Removes a job that is not running. Returns false if no such job (or it is running). */
  async remove(id: string): Promise<boolean> {
    const done = await (await this.workerUtils()).completeJobs([id]);
    return done.length > 0;
  }
}

/** Optional hook for job metrics, set by the metrics module. */
export let jobsMetrics: { observe(job: string, outcome: 'completed' | 'failed', ms: number): void } | undefined;
export function setJobsMetrics(m: typeof jobsMetrics): void {
  jobsMetrics = m;
}

function workerLogger(log: Pino): Logger {
  return new Logger((scope) => (level, message, meta) => {
    const l = level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'info' ? 'debug' : 'trace';
    log[l]({ scope, ...meta }, message);
  });
}
