import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Logger } from 'pino';
import type { Activity } from '../../platform/activities/activities.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { zoneOr } from '../../platform/zoned.ts';
import type { MembershipChange } from '../segments/index.ts';
import { flowDefinitionSchema, matchesFilter, runKey, type FlowDefinition } from './flows.definition.ts';
import { flowsRepo, type RunCandidate } from './flows.repo.ts';
import type { FlowSender } from './flows.steps.ts';
import { waitActivities } from './flows.validate.ts';

interface LiveFlow {
  id: string;
  version: number;
  def: FlowDefinition;
}

interface TriggerIndex {
  /** Live flows by trigger activity type. */
  byActivity: Map<string, LiveFlow[]>;
  bySegment: Map<string, LiveFlow[]>;
  /** Types that end, convert or wake runs of any version still in flight. */
  exitTypes: Set<string>;
  goalTypes: Set<string>;
  waitTypes: Set<string>;
  interesting: Set<string>;
}

const EMPTY: TriggerIndex = { byActivity: new Map(), bySegment: new Map(), exitTypes: new Set(), goalTypes: new Set(), waitTypes: new Set(), interesting: new Set() };
const LIVE = sql`('active','waiting')`;

/**
 * Starts, ends and wakes runs from what happens to customers: the activity stream (one statement
 * per kind of effect per batch, none at all when no flow cares about those types), segment entries
 * and exits, customers' dates (hourly), merges, and enrolment by hand.
 */
export class FlowTriggers {
  private readonly db: Db;
  private readonly sender: FlowSender;
  private readonly log: Logger;
  private index: TriggerIndex = EMPTY;
  private loadedAt = 0;
  private loading: Promise<void> | null = null;
  /** How long a flow saved in another process may go unnoticed by this one. */
  static readonly TTL_MS = 5_000;
  /** Activities older than this never start a run (imports and backfills replay history; flows act on the present). */
  static readonly MAX_TRIGGER_AGE_MS = 24 * 3600_000;

  constructor(db: Db, sender: FlowSender, log: Logger) {
    this.db = db;
    this.sender = sender;
    this.log = log;
  }

  /** Re-reads live flows (at once after a flow is saved in this process). */
  async reload(db: Executor = this.db): Promise<void> {
    const rows = await sql<{ id: string; status: string; version: number; v: number; definition: unknown }>`
      select f.id, f.status, f.version, v.version as v, v.definition
      from flows f join flow_versions v on v.flow_id = f.id
      where f.status in ('live','paused')`.execute(db);
    const idx: TriggerIndex = { byActivity: new Map(), bySegment: new Map(), exitTypes: new Set(), goalTypes: new Set(), waitTypes: new Set(), interesting: new Set() };
    for (const r of rows.rows) {
      const parsed = flowDefinitionSchema.safeParse(r.definition);
      if (!parsed.success) continue;
      const def = parsed.data;
      def.exitOn.forEach((t) => idx.exitTypes.add(t));
      if (def.goal) idx.goalTypes.add(def.goal.activity);
      waitActivities(def).forEach((t) => idx.waitTypes.add(t));
      if (r.status !== 'live' || r.v !== r.version) continue;
      const f: LiveFlow = { id: r.id, version: r.version, def };
      if (def.trigger.type === 'activity') idx.byActivity.set(def.trigger.activity, [...(idx.byActivity.get(def.trigger.activity) ?? []), f]);
      if (def.trigger.type === 'segment') idx.bySegment.set(def.trigger.segmentId, [...(idx.bySegment.get(def.trigger.segmentId) ?? []), f]);
    }
    idx.interesting = new Set([...idx.byActivity.keys(), ...idx.exitTypes, ...idx.goalTypes, ...idx.waitTypes]);
    this.index = idx;
    this.loadedAt = Date.now();
  }

  /** First read in the writing transaction; later refreshes in the background (a write never waits for a second connection). */
  private async current(tx: Tx): Promise<TriggerIndex> {
    if (this.loadedAt === 0) await this.reload(tx);
    else if (Date.now() - this.loadedAt > FlowTriggers.TTL_MS && !this.loading) {
      this.loading = this.reload()
        .catch((err: unknown) => this.log.warn({ err }, 'could not re-read flow triggers; using the previous set'))
        .finally(() => (this.loading = null));
    }
    return this.index;
  }

  private candidate(f: LiveFlow, customerId: string, key: string | null, triggeredAt: Date, vars: Record<string, unknown>, now: Date, dueAt = now): RunCandidate {
    const r = f.def.reentry;
    return { id: newId(), flowId: f.id, version: f.version, customerId, key, stepId: f.def.start, dueAt, triggeredAt, vars, reentry: r.mode, reentryDays: r.mode === 'afterDays' ? r.days : 0 };
  }

  /** Creates runs and cancels what replaced runs had queued. */
  async start(tx: Tx, cs: RunCandidate[], now: Date): Promise<number> {
    // One candidate per flow and customer per batch: the latest trigger wins.
    const last = new Map<string, RunCandidate>();
    for (const c of cs) {
      const k = `${c.flowId}:${c.customerId}`;
      const prev = last.get(k);
      if (!prev || prev.triggeredAt <= c.triggeredAt) last.set(k, c);
    }
    const r = await flowsRepo.createRuns(tx, [...last.values()], now);
    await this.cancelMessages(tx, r.replaced);
    return r.created.length;
  }

  /** Cancels queued messages of runs that just ended. */
  async cancelMessages(tx: Tx, runIds: string[]): Promise<void> {
    for (const id of await flowsRepo.runsWithQueuedMessages(tx, runIds)) await this.sender.cancel(tx, { flowRunId: id });
  }

  /** Ends live runs matching `where` and cancels their queued messages; returns how many ended. */
  async exit(tx: Tx, where: RawBuilder<SqlBool>, reason: string, now = new Date()): Promise<number> {
    const ids = await flowsRepo.exitRuns(tx, where, reason, now);
    await this.cancelMessages(tx, ids);
    return ids.length;
  }

  /** Activities batch listener. */
  readonly onActivities = async (tx: Tx, acts: Activity[]): Promise<void> => {
    const idx = await this.current(tx);
    const coupons = acts.filter((a) => a.type === 'Order Completed' && typeof a.properties.coupon === 'string' && a.properties.coupon);
    if (coupons.length) await this.markCodesUsed(tx, coupons);
    if (!idx.interesting.size || !acts.some((a) => idx.interesting.has(a.type))) return;
    const now = new Date();

    const cs: RunCandidate[] = [];
    for (const a of acts) {
      if (a.occurredAt.getTime() < now.getTime() - FlowTriggers.MAX_TRIGGER_AGE_MS) continue;
      for (const f of idx.byActivity.get(a.type) ?? []) {
        const t = f.def.trigger;
        if (t.type !== 'activity' || !(t.where ?? []).every((w) => matchesFilter(a.properties, w))) continue;
        cs.push(this.candidate(f, a.customerId, runKey(f.def, a.properties), a.occurredAt, { trigger: a.properties, trigger_activity: a.type }, now));
      }
    }
    if (cs.length) await this.start(tx, cs, now);

    const pick = (types: Set<string>) => acts.filter((a) => types.has(a.type));
    const rows = (xs: Activity[]) => sql`unnest(${xs.map((a) => a.customerId)}::uuid[], ${xs.map((a) => a.type)}::text[], ${xs.map((a) => a.occurredAt.toISOString())}::timestamptz[]) as a(customer_id, type, occurred_at)`;
    const exits = pick(idx.exitTypes);
    if (exits.length) {
      const ended = await sql<{ id: string; type: string }>`
        update flow_runs r set status = 'exited', exited_at = ${now}, exit_reason = 'exit condition: ' || a.type, due_at = null, updated_at = ${now}
        from ${rows(exits)}, flow_versions v
        where r.customer_id = a.customer_id and r.status in ${LIVE} and v.flow_id = r.flow_id and v.version = r.version
          and (v.definition -> 'exitOn') ? a.type and a.occurred_at >= r.triggered_at
        returning r.id, a.type`.execute(tx);
      await this.cancelMessages(tx, ended.rows.map((x) => x.id));
    }
    const goals = pick(idx.goalTypes);
    if (goals.length) {
      await sql`
        update flow_runs r set goal_at = a.occurred_at, updated_at = ${now}
        from ${rows(goals)}, flow_versions v
        where r.customer_id = a.customer_id and r.goal_at is null and v.flow_id = r.flow_id and v.version = r.version
          and v.definition -> 'goal' ->> 'activity' = a.type and a.occurred_at > r.triggered_at
          and a.occurred_at <= r.entered_at + ((v.definition -> 'goal' ->> 'withinDays')::int * interval '1 day')`.execute(tx);
    }
    const awaited = pick(idx.waitTypes);
    if (awaited.length) {
      await sql`
        update flow_runs r set wait_matched = true, due_at = least(r.due_at, ${now}), updated_at = ${now}
        from ${rows(awaited)}
        where r.customer_id = a.customer_id and r.status = 'waiting' and not r.wait_matched and a.type = any(r.wait_for) and a.occurred_at >= r.wait_since`.execute(tx);
    }
  };

  /** An order that used a flow's code marks it used (single use: the store checks the code; here it is recorded for reports). */
  private async markCodesUsed(tx: Tx, acts: Activity[]): Promise<void> {
    await sql`
      update discount_codes d set used_at = a.occurred_at, order_id = a.order_id
      from unnest(${acts.map((a) => String(a.properties.coupon).toUpperCase())}::text[], ${acts.map((a) => a.occurredAt.toISOString())}::timestamptz[],
        ${acts.map((a) => (a.properties.order_id == null ? null : String(a.properties.order_id)))}::text[]) as a(code, occurred_at, order_id)
      where d.code = a.code and d.used_at is null`.execute(tx);
  }

  /** Segment membership listener: flows triggered by entering or leaving a segment. */
  readonly onSegmentChange = async (tx: Tx, change: MembershipChange): Promise<void> => {
    const idx = await this.current(tx);
    const flows = idx.bySegment.get(change.segmentId);
    if (!flows?.length) return;
    const now = new Date();
    const cs: RunCandidate[] = [];
    for (const f of flows) {
      if (f.def.trigger.type !== 'segment') continue;
      const who = f.def.trigger.on === 'entered' ? change.entered : change.exited;
      for (const id of who) cs.push(this.candidate(f, id, null, now, { segment: { id: change.segmentId, name: change.segmentName }, trigger_activity: f.def.trigger.on === 'entered' ? 'Segment Entered' : 'Segment Exited' }, now));
    }
    for (let i = 0; i < cs.length; i += 5000) await this.start(tx, cs.slice(i, i + 5000), now);
  };

  /** Merges: the merged profile's runs end (the survivor keeps its own); its codes follow it. */
  readonly onMerge = async (tx: Tx, e: { survivorId: string; mergedId: string }): Promise<Record<string, number>> => {
    const n = await this.exit(tx, sql<SqlBool>`r.customer_id = ${e.mergedId}`, 'the profile was merged into another');
    await tx.updateTable('discount_codes').set({ customer_id: e.survivorId }).where('customer_id', '=', e.mergedId).execute();
    return n ? { flowRuns: n } : {};
  };

  /** Enrols customers in a live flow by hand; returns how many started (re-entry rules apply). */
  async enrol(tx: Tx, flow: LiveFlow, customerIds: string[], now = new Date()): Promise<number> {
    const cs = customerIds.map((id) => this.candidate(flow, id, null, now, { trigger_activity: 'Enrolled' }, now));
    let n = 0;
    for (let i = 0; i < cs.length; i += 5000) n += await this.start(tx, cs.slice(i, i + 5000), now);
    return n;
  }

  /**
   * Date triggers (hourly, so each time zone's day is caught soon after it starts): customers whose
   * date (+ offset) is today on their own clock start a run keyed by that day, due at the flow's
   * local time — or at once when that time has passed.
   */
  async fireDates(now = new Date()): Promise<number> {
    const flows = await sql<{ id: string; version: number; definition: unknown }>`
      select f.id, f.version, v.definition from flows f join flow_versions v on v.flow_id = f.id and v.version = f.version
      where f.status = 'live' and f.trigger_type = 'date'`.execute(this.db);
    const store = zoneOr((await getStoreSettings(this.db)).timeZone, 'UTC');
    let total = 0;
    for (const row of flows.rows) {
      const def = flowDefinitionSchema.parse(row.definition);
      const t = def.trigger;
      if (t.type !== 'date' || !def.start) continue;
      const expr = t.field === 'birthday' ? sql`b.birthday`
        : t.field === 'attribute' ? sql`flows_safe_date(b.attributes ->> ${t.attribute ?? ''}::text)`
        : sql`(${sql.ref(`b.${t.field === 'firstOrderAt' ? 'first_order_at' : t.field === 'lastOrderAt' ? 'last_order_at' : 'created_at'}`)} at time zone b.tz)::date`;
      const y = sql`extract(year from d.target)::int`;
      const match = t.yearly
        ? sql<SqlBool>`d.d < d.target and ((extract(month from d.d) = extract(month from d.target) and extract(day from d.d) = extract(day from d.target))
            or (extract(month from d.d) = 2 and extract(day from d.d) = 29 and extract(month from d.target) = 2 and extract(day from d.target) = 28
                and not (${y} % 4 = 0 and (${y} % 100 <> 0 or ${y} % 400 = 0))))`
        : sql<SqlBool>`d.d = d.target`;
      const found = await sql<{ id: string; target: string; due: Date }>`
        with zones as (select name from pg_timezone_names),
        b as (
          select c.id, coalesce(z.name, ${store}::text) as tz, c.birthday, c.first_order_at, c.last_order_at, c.created_at, c.attributes
          from customers c left join zones z on z.name = c.time_zone
          where c.merged_into is null and not c.anonymous),
        d as (select b.id, b.tz, (${now}::timestamptz at time zone b.tz)::date as today, (${now}::timestamptz at time zone b.tz)::date - ${t.offsetDays}::int as target, ${expr} as d from b)
        select d.id, d.target::text as target, ((d.today + ${t.time}::time) at time zone d.tz) as due
        from d
        where d.d is not null and ${match}
          and not exists (select 1 from flow_runs r where r.flow_id = ${row.id}::uuid and r.customer_id = d.id and r.key = 'date:' || d.target::text)`.execute(this.db);
      if (!found.rows.length) continue;
      const f: LiveFlow = { id: row.id, version: row.version, def };
      for (let i = 0; i < found.rows.length; i += 5000) {
        const chunk = found.rows.slice(i, i + 5000);
        total += await this.db.transaction().execute((tx) => this.start(tx, chunk.map((x) => this.candidate(f, x.id, `date:${x.target}`, now, { date: x.target, trigger_activity: 'Date' }, now, x.due < now ? now : x.due)), now));
      }
    }
    return total;
  }
}
