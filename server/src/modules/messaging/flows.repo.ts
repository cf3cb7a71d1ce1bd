import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor, Tx } from '../../platform/db/db.ts';
import type { RunStatus, RunStepStatus } from './flows.tables.ts';

/** A run the engine holds (locked) in its transaction. */
export interface ClaimedRun {
  id: string;
  flow_id: string;
  version: number;
  customer_id: string;
  status: 'active' | 'waiting';
  step_id: string | null;
  due_at: Date;
  wait_for: string[] | null;
  wait_since: Date | null;
  wait_matched: boolean;
  vars: Record<string, unknown>;
}

export interface StepRow {
  run_id: string;
  step_id: string;
  flow_id: string;
  status: RunStepStatus;
  outcome: string | null;
  branch: string | null;
  due_at: Date | null;
  done_at: Date | null;
  detail: Record<string, unknown> | null;
}

/** What the engine writes back to a run at the end of a batch. */
export interface RunUpdate {
  id: string;
  status: RunStatus;
  step_id: string | null;
  due_at: Date | null;
  exit_reason: string | null;
  wait_for: string[] | null;
  /** Replaces the run's variables when set (a discount code was added). */
  vars: Record<string, unknown> | null;
  last_error?: string | null;
}

/** New runs to create (triggers, enrolment); re-entry and keys are checked in SQL. */
export interface RunCandidate {
  id: string;
  flowId: string;
  version: number;
  customerId: string;
  key: string | null;
  stepId: string | null;
  dueAt: Date;
  triggeredAt: Date;
  vars: Record<string, unknown>;
  reentry: 'never' | 'always' | 'afterDays';
  reentryDays: number;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const LIVE = sql`('active','waiting')`;
/** Why a keyed run ended when its customer triggered the flow again with another key (a new cart). */
export const REPLACED = 'replaced by a newer trigger (another key)';

/** SQL of the flow engine, its triggers and its reports (the only flows files that touch SQL, with flows.stats.ts). */
export const flowsRepo = {
  /** Due runs of live flows, oldest due first, locked for this transaction; runs other workers hold are skipped. */
  async claimDue(tx: Tx, now: Date, limit: number, ids?: string[]): Promise<ClaimedRun[]> {
    const only = ids ? sql`and r.id = any(${ids}::uuid[])` : sql``;
    const r = await sql<ClaimedRun>`
      select r.id, r.flow_id, r.version, r.customer_id, r.status, r.step_id, r.due_at, r.wait_for, r.wait_since, r.wait_matched, r.vars
      from flow_runs r
      where r.status in ${LIVE} and r.due_at <= ${now} ${only}
        and exists (select 1 from flows f where f.id = r.flow_id and f.status = 'live')
      order by r.due_at
      limit ${limit}
      for update of r skip locked`.execute(tx);
    return r.rows;
  },

  async versions(db: Executor, keys: { flowId: string; version: number }[]): Promise<{ flow_id: string; version: number; definition: unknown; name: string }[]> {
    if (!keys.length) return [];
    const r = await sql<{ flow_id: string; version: number; definition: unknown; name: string }>`
      select v.flow_id, v.version, v.definition, f.name
      from unnest(${keys.map((k) => k.flowId)}::uuid[], ${keys.map((k) => k.version)}::int[]) as k(flow_id, version)
      join flow_versions v on v.flow_id = k.flow_id and v.version = k.version
      join flows f on f.id = v.flow_id`.execute(db);
    return r.rows;
  },

  /** Records step executions; returns the runs whose row is new (the others executed this step before). */
  async insertSteps(tx: Tx, rows: StepRow[]): Promise<Set<string>> {
    if (!rows.length) return new Set();
    const r = await sql<{ run_id: string }>`
      insert into flow_run_steps (run_id, step_id, flow_id, status, outcome, branch, started_at, due_at, done_at, detail)
      select u.run_id, u.step_id, u.flow_id, u.status, u.outcome, u.branch, now(), u.due_at, u.done_at, u.detail
      from unnest(${rows.map((x) => x.run_id)}::uuid[], ${rows.map((x) => x.step_id)}::text[], ${rows.map((x) => x.flow_id)}::uuid[], ${rows.map((x) => x.status)}::text[],
        ${rows.map((x) => x.outcome)}::text[], ${rows.map((x) => x.branch)}::text[], ${rows.map((x) => iso(x.due_at))}::timestamptz[], ${rows.map((x) => iso(x.done_at))}::timestamptz[],
        ${rows.map((x) => (x.detail ? JSON.stringify(x.detail) : null))}::jsonb[]) as u(run_id, step_id, flow_id, status, outcome, branch, due_at, done_at, detail)
      on conflict (run_id, step_id) do nothing
      returning run_id`.execute(tx);
    return new Set(r.rows.map((x) => x.run_id));
  },

  /** The recorded execution of `stepId` by these runs. */
  async stepRows(tx: Executor, runIds: string[], stepId: string): Promise<Map<string, { status: RunStepStatus; outcome: string | null; due_at: Date | null; detail: unknown }>> {
    if (!runIds.length) return new Map();
    const rows = await tx.selectFrom('flow_run_steps').select(['run_id', 'status', 'outcome', 'due_at', 'detail']).where('run_id', 'in', runIds).where('step_id', '=', stepId).execute();
    return new Map(rows.map((r) => [r.run_id, r]));
  },

  /** Completes recorded steps (a wait left, a webhook answered). Only rows still `from` change. */
  async finishSteps(tx: Executor, rows: { run_id: string; step_id: string; status: RunStepStatus; outcome: string | null; branch: string | null; detail: Record<string, unknown> | null }[], from: RunStepStatus[], at: Date): Promise<void> {
    if (!rows.length) return;
    await sql`
      update flow_run_steps s set status = u.status, outcome = u.outcome, branch = u.branch, done_at = ${at}, detail = coalesce(s.detail, '{}'::jsonb) || coalesce(u.detail, '{}'::jsonb)
      from unnest(${rows.map((x) => x.run_id)}::uuid[], ${rows.map((x) => x.step_id)}::text[], ${rows.map((x) => x.status)}::text[], ${rows.map((x) => x.outcome)}::text[],
        ${rows.map((x) => x.branch)}::text[], ${rows.map((x) => (x.detail ? JSON.stringify(x.detail) : null))}::jsonb[]) as u(run_id, step_id, status, outcome, branch, detail)
      where s.run_id = u.run_id and s.step_id = u.step_id and s.status = any(${from}::text[])`.execute(tx);
  },

  /** Writes the batch's outcome to its runs in one statement (runs an exit condition ended meanwhile keep their exit). */
  async updateRuns(tx: Tx, rows: RunUpdate[], now: Date): Promise<void> {
    if (!rows.length) return;
    await sql`
      update flow_runs r set
        status = u.status, step_id = u.step_id, due_at = u.due_at, updated_at = ${now},
        exited_at = case when u.status in ('completed','exited','failed') then ${now}::timestamptz end,
        exit_reason = u.exit_reason,
        wait_for = case when u.wait_for is null then null else array(select jsonb_array_elements_text(u.wait_for)) end,
        wait_since = case when u.wait_for is null then null else ${now}::timestamptz end,
        wait_matched = false,
        vars = coalesce(u.vars, r.vars),
        last_error = u.last_error
      from unnest(${rows.map((x) => x.id)}::uuid[], ${rows.map((x) => x.status)}::text[], ${rows.map((x) => x.step_id)}::text[], ${rows.map((x) => iso(x.due_at))}::timestamptz[],
        ${rows.map((x) => x.exit_reason)}::text[], ${rows.map((x) => (x.wait_for ? JSON.stringify(x.wait_for) : null))}::jsonb[],
        ${rows.map((x) => (x.vars ? JSON.stringify(x.vars) : null))}::jsonb[], ${rows.map((x) => x.last_error ?? null)}::text[]) as u(id, status, step_id, due_at, exit_reason, wait_for, vars, last_error)
      where r.id = u.id and r.status in ${LIVE}`.execute(tx);
  },

  async customerZones(db: Executor, ids: string[]): Promise<Map<string, string | null>> {
    if (!ids.length) return new Map();
    const rows = await db.selectFrom('customers').select(['id', 'time_zone']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r.time_zone]));
  },

  /** Which of these customers match a compiled segment predicate (probe mode: reads only their rows). */
  async matching(db: Executor, ids: string[], pred: RawBuilder<SqlBool>): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const r = await sql<{ id: string }>`select c.id from customers c where c.id = any(${ids}::uuid[]) and ${pred}`.execute(db);
    return new Set(r.rows.map((x) => x.id));
  },

  /** Runs (of those given) whose customer did one of the run's awaited activities since the wait began. */
  async awaitedHappened(db: Executor, runs: { id: string; customer_id: string; since: Date; types: string[] }[]): Promise<Set<string>> {
    if (!runs.length) return new Set();
    const r = await sql<{ id: string }>`
      select u.id from unnest(${runs.map((x) => x.id)}::uuid[], ${runs.map((x) => x.customer_id)}::uuid[], ${runs.map((x) => iso(x.since))}::timestamptz[], ${runs.map((x) => JSON.stringify(x.types))}::jsonb[]) as u(id, customer_id, since, types)
      where exists (select 1 from activities a where a.customer_id = u.customer_id and a.occurred_at >= u.since and a.type in (select jsonb_array_elements_text(u.types)))`.execute(db);
    return new Set(r.rows.map((x) => x.id));
  },

  /**
   * Creates runs: the re-entry rule, the key (never twice) and one live run per customer and flow
   * are enforced here and by unique indexes; a keyed candidate with a new key first exits the
   * customer's live run of that flow. Returns the runs created and the runs replaced.
   */
  async createRuns(tx: Tx, cs: RunCandidate[], now: Date): Promise<{ created: { id: string; flow_id: string; customer_id: string }[]; replaced: string[] }> {
    if (!cs.length) return { created: [], replaced: [] };
    const rows = sql`unnest(${cs.map((c) => c.id)}::uuid[], ${cs.map((c) => c.flowId)}::uuid[], ${cs.map((c) => c.version)}::int[], ${cs.map((c) => c.customerId)}::uuid[],
        ${cs.map((c) => c.key)}::text[], ${cs.map((c) => c.stepId)}::text[], ${cs.map((c) => iso(c.dueAt))}::timestamptz[], ${cs.map((c) => iso(c.triggeredAt))}::timestamptz[],
        ${cs.map((c) => JSON.stringify(c.vars))}::jsonb[], ${cs.map((c) => c.reentry)}::text[], ${cs.map((c) => c.reentryDays)}::int[])
      as c(id, flow_id, version, customer_id, key, step_id, due_at, triggered_at, vars, reentry, days)`;
    const eligible = sql<SqlBool>`exists (select 1 from customers cu where cu.id = c.customer_id and cu.merged_into is null and not cu.anonymous)
      and (c.reentry <> 'never' or not exists (select 1 from flow_runs r where r.flow_id = c.flow_id and r.customer_id = c.customer_id))
      and (c.reentry <> 'afterDays' or not exists (select 1 from flow_runs r where r.flow_id = c.flow_id and r.customer_id = c.customer_id and r.entered_at > ${now}::timestamptz - c.days * interval '1 day'))
      and (c.key is null or not exists (select 1 from flow_runs r where r.flow_id = c.flow_id and r.customer_id = c.customer_id and r.key = c.key))`;
    const replaced = cs.some((c) => c.key !== null)
      ? (await sql<{ id: string }>`
          update flow_runs r set status = 'exited', exited_at = ${now}, exit_reason = ${REPLACED}, due_at = null, updated_at = ${now}
          from ${rows}
          where c.key is not null and ${eligible} and r.flow_id = c.flow_id and r.customer_id = c.customer_id and r.status in ${LIVE} and r.key is distinct from c.key
          returning r.id`.execute(tx)).rows.map((x) => x.id)
      : [];
    const created = await sql<{ id: string; flow_id: string; customer_id: string }>`
      insert into flow_runs (id, flow_id, version, customer_id, key, status, step_id, due_at, entered_at, triggered_at, vars, updated_at)
      select c.id, c.flow_id, c.version, c.customer_id, c.key, case when c.step_id is null then 'completed' else 'active' end, c.step_id,
        case when c.step_id is null then null else c.due_at end, ${now}, c.triggered_at, c.vars, ${now}
      from ${rows}
      where ${eligible}
      on conflict do nothing
      returning id, flow_id, customer_id`.execute(tx);
    return { created: created.rows, replaced };
  },

  /** Ends live runs (exit conditions, merges, archiving); returns their ids. */
  async exitRuns(tx: Tx, where: RawBuilder<SqlBool>, reason: string, now: Date): Promise<string[]> {
    const r = await sql<{ id: string }>`
      update flow_runs r set status = 'exited', exited_at = ${now}, exit_reason = ${reason}, due_at = null, updated_at = ${now}
      where r.status in ${LIVE} and ${where}
      returning r.id`.execute(tx);
    return r.rows.map((x) => x.id);
  },

  /** Of these runs, those with messages still queued (so only they are cancelled, one call each). */
  async runsWithQueuedMessages(tx: Executor, runIds: string[]): Promise<string[]> {
    if (!runIds.length) return [];
    const r = await sql<{ id: string }>`select distinct flow_run_id as id from messages where flow_run_id = any(${runIds}::uuid[]) and status = 'queued'`.execute(tx);
    return r.rows.map((x) => x.id);
  },
};
