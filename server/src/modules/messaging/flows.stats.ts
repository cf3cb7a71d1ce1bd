import { decodeCursor, encodeCursor, isDateString, isUuidString } from '../../platform/http/cursor.ts';
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import type { z } from 'zod';
import type { runSchema, StepStats, taskSchema } from './flows.schemas.ts';
import type { RunStatus } from './flows.tables.ts';

/** Read-only report queries of flows: counts per flow and per step, runs, journeys, tasks, codes. */

export interface FlowStats {
  inFlow: number;
  entered: number;
  completed: number;
  exited: number;
  conversions: number;
  sent: number;
  opened: number;
  clicked: number;
  revenue: number;
}

const ZERO: FlowStats = { inFlow: 0, entered: 0, completed: 0, exited: 0, conversions: 0, sent: 0, opened: 0, clicked: 0, revenue: 0 };
export const emptyStats = (): FlowStats => ({ ...ZERO });
export const emptyStepStats = (): StepStats => ({ waiting: 0, passed: 0, exited: 0, failed: 0, branches: {}, sent: 0, opened: 0, clicked: 0, revenue: 0 });

/** Customers known only by an id are still named (as on the customers pages). */
const NAME = sql<string>`coalesce(nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''), c.email, c.phone, 'Unnamed customer')`;

let hasAttributions: boolean | undefined;
/** The attribution table comes with the engagement part (migration 0016); reports work without it. */
async function attributions(db: Executor): Promise<boolean> {
  hasAttributions ??= (await sql<{ ok: boolean }>`select to_regclass('message_attributions') is not null as ok`.execute(db)).rows[0]?.ok ?? false;
  return hasAttributions;
}

export const flowsStats = {
  async byFlow(db: Executor, currency: string, flowId?: string): Promise<Map<string, FlowStats>> {
    const only = flowId ? sql`and flow_id = ${flowId}::uuid` : sql``;
    const out = new Map<string, FlowStats>();
    const get = (id: string) => out.get(id) ?? out.set(id, emptyStats()).get(id)!;
    const runs = await sql<{ flow_id: string; in_flow: number; entered: number; completed: number; exited: number; conversions: number }>`
      select flow_id, count(*) filter (where status in ('active','waiting'))::int as in_flow, count(*)::int as entered,
        count(*) filter (where status = 'completed')::int as completed, count(*) filter (where status in ('exited','failed'))::int as exited, count(goal_at)::int as conversions
      from flow_runs where true ${only} group by flow_id`.execute(db);
    for (const r of runs.rows) Object.assign(get(r.flow_id), { inFlow: r.in_flow, entered: r.entered, completed: r.completed, exited: r.exited, conversions: r.conversions });
    const msgs = await sql<{ flow_id: string; sent: number; opened: number; clicked: number }>`
      select flow_id, count(*) filter (where status = 'sent')::int as sent, count(opened_at)::int as opened, count(clicked_at)::int as clicked
      from messages where flow_id is not null ${only} group by flow_id`.execute(db);
    for (const r of msgs.rows) Object.assign(get(r.flow_id), { sent: r.sent, opened: r.opened, clicked: r.clicked });
    if (await attributions(db)) {
      const rev = await sql<{ flow_id: string; revenue: number }>`
        select flow_id, sum(revenue_minor)::bigint as revenue from message_attributions where flow_id is not null and currency = ${currency} ${only} group by flow_id`.execute(db);
      for (const r of rev.rows) get(r.flow_id).revenue = Number(r.revenue);
    }
    return out;
  },

  /** Per step: runs there now, passed, ended there, branches taken, messages and revenue. */
  async bySteps(db: Executor, flowId: string, currency: string): Promise<Record<string, StepStats>> {
    const out: Record<string, StepStats> = {};
    const get = (id: string) => (out[id] ??= emptyStepStats());
    const runs = await sql<{ step_id: string; waiting: number; exited: number }>`
      select step_id, count(*) filter (where status in ('active','waiting'))::int as waiting, count(*) filter (where status in ('exited','failed'))::int as exited
      from flow_runs where flow_id = ${flowId}::uuid and step_id is not null group by step_id`.execute(db);
    for (const r of runs.rows) Object.assign(get(r.step_id), { waiting: r.waiting, exited: r.exited });
    const steps = await sql<{ step_id: string; branch: string | null; done: number; failed: number }>`
      select step_id, branch, count(*) filter (where status = 'done')::int as done, count(*) filter (where status = 'failed')::int as failed
      from flow_run_steps where flow_id = ${flowId}::uuid group by step_id, branch`.execute(db);
    for (const r of steps.rows) {
      const s = get(r.step_id);
      s.passed += r.done + r.failed;
      s.failed += r.failed;
      if (r.branch && r.branch !== 'next') s.branches[r.branch] = (s.branches[r.branch] ?? 0) + r.done;
    }
    const msgs = await sql<{ step_id: string; sent: number; opened: number; clicked: number }>`
      select flow_step_id as step_id, count(*) filter (where status = 'sent')::int as sent, count(opened_at)::int as opened, count(clicked_at)::int as clicked
      from messages where flow_id = ${flowId}::uuid and flow_step_id is not null group by flow_step_id`.execute(db);
    for (const r of msgs.rows) Object.assign(get(r.step_id), { sent: r.sent, opened: r.opened, clicked: r.clicked });
    if (await attributions(db)) {
      const rev = await sql<{ step_id: string; revenue: number }>`
        select flow_step_id as step_id, sum(revenue_minor)::bigint as revenue from message_attributions
        where flow_id = ${flowId}::uuid and flow_step_id is not null and currency = ${currency} group by flow_step_id`.execute(db);
      for (const r of rev.rows) get(r.step_id).revenue = Number(r.revenue);
    }
    return out;
  },

  async versions(db: Executor, flowId: string) {
    const r = await sql<{ version: number; created_by: string; created_at: Date; in_flow: number }>`
      select v.version, v.created_by, v.created_at,
        (select count(*)::int from flow_runs r where r.flow_id = v.flow_id and r.version = v.version and r.status in ('active','waiting')) as in_flow
      from flow_versions v where v.flow_id = ${flowId}::uuid order by v.version desc`.execute(db);
    return r.rows.map((x) => ({ version: x.version, createdBy: x.created_by, createdAt: x.created_at, inFlow: x.in_flow }));
  },

  /** A flow's runs, newest first, keyset-paginated. */
  async runs(db: Executor, flowId: string, q: { status?: RunStatus; stepId?: string; cursor?: string; limit: number }): Promise<{ items: z.infer<typeof runSchema>[]; nextCursor: string | null }> {
    let after = sql``;
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, (v): v is [string, string] => Array.isArray(v) && v.length === 2 && isDateString(v[0]) && isUuidString(v[1]));
      after = sql`and (r.entered_at, r.id) < (${at}::timestamptz, ${id}::uuid)`;
    }
    const rows = (await sql<{ id: string; customer_id: string; name: string; email: string | null; version: number; key: string | null; status: RunStatus; step_id: string | null; due_at: Date | null; entered_at: Date; exited_at: Date | null; exit_reason: string | null; goal_at: Date | null }>`
      select r.id, r.customer_id, ${NAME} as name, c.email, r.version, r.key, r.status, r.step_id, r.due_at, r.entered_at, r.exited_at, r.exit_reason, r.goal_at
      from flow_runs r join customers c on c.id = r.customer_id
      where r.flow_id = ${flowId}::uuid
        and (${q.status ?? null}::text is null or r.status = ${q.status ?? null})
        and (${q.stepId ?? null}::text is null or r.step_id = ${q.stepId ?? null})
        ${after}
      order by r.entered_at desc, r.id desc limit ${q.limit + 1}`.execute(db)).rows;
    const items = rows.slice(0, q.limit);
    const last = items.at(-1);
    return {
      items: items.map((r) => ({ id: r.id, customerId: r.customer_id, customerName: r.name, email: r.email, version: r.version, key: r.key, status: r.status, stepId: r.step_id, dueAt: r.due_at, enteredAt: r.entered_at, exitedAt: r.exited_at, exitReason: r.exit_reason, goalAt: r.goal_at })),
      nextCursor: rows.length > q.limit && last ? encodeCursor([last.entered_at.toISOString(), last.id]) : null,
    };
  },

  /** A customer's runs with their steps and messages (the 360° page). */
  async journeys(db: Executor, customerId: string, limit = 50) {
    const runs = await sql<{ id: string; flow_id: string; name: string; version: number; status: RunStatus; step_id: string | null; due_at: Date | null; entered_at: Date; exited_at: Date | null; exit_reason: string | null; goal_at: Date | null }>`
      select r.id, r.flow_id, f.name, r.version, r.status, r.step_id, r.due_at, r.entered_at, r.exited_at, r.exit_reason, r.goal_at
      from flow_runs r join flows f on f.id = r.flow_id where r.customer_id = ${customerId}::uuid
      order by r.entered_at desc limit ${limit}`.execute(db);
    const ids = runs.rows.map((r) => r.id);
    const steps = ids.length ? await db.selectFrom('flow_run_steps').selectAll().where('run_id', 'in', ids).orderBy('started_at').orderBy('step_id').execute() : [];
    const msgs = ids.length ? await db.selectFrom('messages').select(['id', 'flow_run_id', 'flow_step_id', 'channel', 'status', 'skip_reason', 'subject', 'created_at', 'sent_at', 'opened_at', 'clicked_at']).where('flow_run_id', 'in', ids).orderBy('created_at').execute() : [];
    return { runs: runs.rows, steps, msgs };
  },

  async tasks(db: Executor, status: 'open' | 'done', limit: number): Promise<z.infer<typeof taskSchema>[]> {
    const r = await sql<{ id: string; flow_id: string; flow_name: string; customer_id: string; customer_name: string; title: string; body: string; assignee_id: string | null; assignee_name: string | null; status: 'open' | 'done'; created_at: Date; done_at: Date | null; done_by: string | null }>`
      select t.id, t.flow_id, f.name as flow_name, t.customer_id, ${NAME} as customer_name, t.title, t.body, t.assignee_id, coalesce(nullif(u.name, ''), u.email) as assignee_name,
        t.status, t.created_at, t.done_at, t.done_by
      from flow_tasks t join flows f on f.id = t.flow_id join customers c on c.id = t.customer_id left join users u on u.id = t.assignee_id
      where t.status = ${status} order by t.created_at desc limit ${limit}`.execute(db);
    return r.rows.map((x) => ({
      id: x.id, flowId: x.flow_id, flowName: x.flow_name, customerId: x.customer_id, customerName: x.customer_name, title: x.title, body: x.body,
      assigneeId: x.assignee_id, assigneeName: x.assignee_name, status: x.status, createdAt: x.created_at, doneAt: x.done_at, doneBy: x.done_by,
    }));
  },

  async discountCodes(db: Executor, since: Date | undefined, limit: number) {
    let q = db.selectFrom('discount_codes').selectAll().orderBy('created_at').limit(limit);
    if (since) q = q.where('created_at', '>', since);
    return (await q.execute()).map((d) => ({
      code: d.code, kind: d.kind, value: d.value, currency: d.currency, flowId: d.flow_id, customerId: d.customer_id, expiresAt: d.expires_at, usedAt: d.used_at, orderId: d.order_id, createdAt: d.created_at,
    }));
  },
};
