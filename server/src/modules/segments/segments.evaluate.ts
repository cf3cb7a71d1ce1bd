import { sql, type SqlBool, type RawBuilder } from 'kysely';
import type { Logger } from 'pino';
import type { Activities, NewActivity } from '../../platform/activities/activities.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { analyse, compileDefinition, type CompileContext } from './segments.compile.ts';
import type { Definition } from './segments.definition.ts';
import { loadCatalogue, type Catalogue } from './segments.fields.ts';
import { segmentsRepo, type SegmentRow } from './segments.repo.ts';
import { parseDefinition, validateDefinition } from './segments.validate.ts';

/** Who entered and left a segment in one evaluation (flows enrol from here). */
export interface MembershipChange {
  segmentId: string;
  segmentName: string;
  entered: string[];
  exited: string[];
}
export type MembershipListener = (tx: Tx, change: MembershipChange) => Promise<void>;

/** Live, known profiles: merged and anonymous ones are never members. */
const BASE = sql<SqlBool>`c.merged_into is null and not c.anonymous`;

export function storeDay(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** A stored definition checked against today's fields and segments: the definition, or why it is broken. */
export function checkStored(s: Pick<SegmentRow, 'id' | 'definition'>, cat: Catalogue): { definition: Definition; broken: null } | { definition: null; broken: string } {
  const parsed = parseDefinition(s.definition);
  if (!parsed.definition) return { definition: null, broken: parsed.errors.map((e) => `${e.pointer}: ${e.detail}`).join('; ') };
  const errors = validateDefinition(parsed.definition, cat, s.id);
  if (errors.length) return { definition: null, broken: errors.map((e) => `${e.pointer.replace('/definition', '')}: ${e.detail}`).join('; ') };
  return { definition: parsed.definition, broken: null };
}

/** Orders segments so that those referenced by others come first. */
export function topological<T extends { id: string; refs: string[] }>(items: T[]): T[] {
  const byId = new Map(items.map((i) => [i.id, i]));
  const out: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (i: T) => {
    if (state.get(i.id)) return;
    state.set(i.id, 'visiting');
    for (const r of i.refs) {
      const dep = byId.get(r);
      if (dep && !state.get(r)) visit(dep);
    }
    state.set(i.id, 'done');
    out.push(i);
  };
  items.forEach(visit);
  return out;
}

/** Computes segment membership: whole segments (set mode) and a few customers at a time (probe mode). */
export class SegmentEvaluator {
  private readonly db: Db;
  private readonly activities: Activities;
  private readonly log: Logger;
  private listeners: MembershipListener[] = [];

  constructor(db: Db, activities: Activities, log: Logger) {
    this.db = db;
    this.activities = activities;
    this.log = log;
  }

  onChange(l: MembershipListener): void {
    this.listeners.push(l);
  }

  private async context(db: Executor, mode: CompileContext['mode'], now: Date): Promise<CompileContext> {
    const [cat, store] = await Promise.all([loadCatalogue(db), getStoreSettings(db)]);
    return { cat, mode, now, timeZone: store.timeZone };
  }

  /** How many customers a definition selects, and a sample of them (the builder's preview). */
  async preview(def: Definition, sampleSize: number, now = new Date()): Promise<{ count: number; sampleIds: string[]; ms: number }> {
    const t0 = performance.now();
    return this.db.transaction().execute(async (tx) => {
      await sql`set local work_mem = '256MB'`.execute(tx);
      const ctx = await this.context(tx, 'set', now);
      const pred = compileDefinition(def, ctx);
      // One pass over the store: the count and the top spenders of the same member set.
      const r = await sql<{ n: number; sample: string[] | null }>`
        with m as materialized (select c.id, c.total_spent from customers c where ${BASE} and ${pred})
        select (select count(*)::int from m) as n,
               (select array_agg(id) from (select id from m order by total_spent desc, id limit ${sampleSize}) s) as sample`.execute(tx);
      return { count: r.rows[0]?.n ?? 0, sampleIds: r.rows[0]?.sample ?? [], ms: performance.now() - t0 };
    });
  }

  /**
   * Recomputes one segment over every customer and stores the difference. `silent`: the first
   * computation of a new segment records no Segment Entered activities (nobody "entered" it:
   * it did not exist), and no flows start from it.
   */
  async evaluateFull(segmentId: string, opts: { silent?: boolean; now?: Date } = {}): Promise<{ size: number; entered: number; exited: number; ms: number; broken: string | null }> {
    const now = opts.now ?? new Date();
    const t0 = performance.now();
    return this.db.transaction().execute(async (tx) => {
      await sql`set local work_mem = '256MB'`.execute(tx);
      // One evaluation per segment at a time (other processes wait, then see the fresh result).
      const seg = await tx.selectFrom('segments').selectAll().where('id', '=', segmentId).forUpdate().executeTakeFirst();
      if (!seg) return { size: 0, entered: 0, exited: 0, ms: 0, broken: 'deleted' };
      const ctx = await this.context(tx, 'set', now);
      const checked = checkStored(seg, ctx.cat);
      if (!checked.definition) {
        // Broken: keep the members it had (never silently empty), say why.
        await tx.updateTable('segments').set({ status: 'broken', broken_reason: checked.broken }).where('id', '=', seg.id).execute();
        return { size: seg.size, entered: 0, exited: 0, ms: performance.now() - t0, broken: checked.broken };
      }
      const pred = compileDefinition(checked.definition, ctx);
      const diff = await this.applyDiff(tx, seg.id, sql`select c.id from customers c where ${BASE} and ${pred}`, now);
      const size = diff.size;
      const ms = Math.round(performance.now() - t0);
      const a = analyse(checked.definition, ctx.cat);
      await tx.updateTable('segments').set({ size, last_computed_at: now, last_duration_ms: ms, status: 'active', broken_reason: null, triggers: a.triggers, scheduled: a.scheduled }).where('id', '=', seg.id).execute();
      await segmentsRepo.recordHistory(tx, seg.id, storeDay(now, ctx.timeZone), size, opts.silent ? 0 : diff.entered.length, opts.silent ? 0 : diff.exited.length);
      if (!opts.silent) await this.announce(tx, seg, diff.entered, diff.exited, now);
      return { size, entered: diff.entered.length, exited: diff.exited.length, ms, broken: null };
    });
  }

  /** Makes the stored members equal `target` (a query of customer ids); returns who moved. */
  private async applyDiff(tx: Tx, segmentId: string, target: RawBuilder<unknown>, now: Date): Promise<{ size: number; entered: string[]; exited: string[] }> {
    const r = await sql<{ size: number; entered: string[] | null; exited: string[] | null }>`
      with target as materialized (${target}),
      cur as materialized (select customer_id from segment_members where segment_id = ${segmentId}::uuid),
      diff as materialized (
        select coalesce(t.id, m.customer_id) as id, t.id is not null as inside
        from target t full join cur m on m.customer_id = t.id
        where t.id is null or m.customer_id is null),
      ins as (insert into segment_members (segment_id, customer_id, entered_at)
        select ${segmentId}::uuid, d.id, ${now} from diff d where d.inside returning customer_id),
      del as (delete from segment_members m using diff d where m.segment_id = ${segmentId}::uuid and m.customer_id = d.id and not d.inside returning m.customer_id)
      select (select count(*)::int from target) as size, (select array_agg(customer_id) from ins) as entered, (select array_agg(customer_id) from del) as exited`.execute(tx);
    const row = r.rows[0]!;
    return { size: row.size, entered: row.entered ?? [], exited: row.exited ?? [] };
  }

  /** Segment Entered / Exited activities and membership listeners. */
  private async announce(tx: Tx, seg: Pick<SegmentRow, 'id' | 'name'>, entered: string[], exited: string[], now: Date): Promise<void> {
    if (!entered.length && !exited.length) return;
    const items: NewActivity[] = [
      ...entered.map((customerId) => ({ customerId, type: 'Segment Entered', source: 'segments', occurredAt: now, properties: { segmentId: seg.id, segmentName: seg.name } })),
      ...exited.map((customerId) => ({ customerId, type: 'Segment Exited', source: 'segments', occurredAt: now, properties: { segmentId: seg.id, segmentName: seg.name } })),
    ];
    for (let i = 0; i < items.length; i += 1000) await this.activities.append(tx, items.slice(i, i + 1000));
    for (const l of this.listeners) await l(tx, { segmentId: seg.id, segmentName: seg.name, entered, exited });
  }

  /**
   * Re-evaluates the customers marked dirty since the last call, against only the segments whose
   * triggers include why they were marked. Returns how many marks it consumed.
   */
  async drainDirty(opts: { limit?: number; now?: Date } = {}): Promise<number> {
    const now = opts.now ?? new Date();
    return this.db.transaction().execute(async (tx) => {
      const marks = await segmentsRepo.claimDirty(tx, opts.limit ?? 2000);
      if (!marks.length) return 0;
      const reasons = new Map<string, Set<string>>();
      for (const m of marks) {
        const set = reasons.get(m.customer_id) ?? new Set();
        set.add(m.reason);
        reasons.set(m.customer_id, set);
      }
      const ctx = await this.context(tx, 'probe', now);
      const segs = await tx.selectFrom('segments').selectAll().where('status', '=', 'active').where('last_computed_at', 'is not', null).execute();
      const ordered = topological(segs.map((s) => ({ ...s, refs: ctx.cat.segments.get(s.id)?.refs ?? [] })));
      const day = storeDay(now, ctx.timeZone);
      for (const seg of ordered) {
        const triggers = new Set(seg.triggers);
        const ids = [...reasons].filter(([, rs]) => [...rs].some((r) => triggers.has(r))).map(([id]) => id);
        if (!ids.length) continue;
        const checked = checkStored(seg, ctx.cat);
        if (!checked.definition) continue;
        const pred = compileDefinition(checked.definition, ctx);
        const matched = new Set((await sql<{ id: string }>`select c.id from customers c where c.id = any(${ids}::uuid[]) and ${BASE} and ${pred}`.execute(tx)).rows.map((r) => r.id));
        const current = new Set((await tx.selectFrom('segment_members').select('customer_id').where('segment_id', '=', seg.id).where('customer_id', 'in', ids).execute()).map((r) => r.customer_id));
        const entered = [...matched].filter((id) => !current.has(id));
        const exited = [...current].filter((id) => !matched.has(id));
        if (!entered.length && !exited.length) continue;
        if (entered.length) await tx.insertInto('segment_members').values(entered.map((customer_id) => ({ segment_id: seg.id, customer_id, entered_at: now }))).onConflict((oc) => oc.doNothing()).execute();
        if (exited.length) await tx.deleteFrom('segment_members').where('segment_id', '=', seg.id).where('customer_id', 'in', exited).execute();
        const upd = await tx.updateTable('segments').set((eb) => ({ size: eb('size', '+', entered.length - exited.length) })).where('id', '=', seg.id).returning('size').executeTakeFirstOrThrow();
        await segmentsRepo.recordHistory(tx, seg.id, day, upd.size, entered.length, exited.length);
        await this.announce(tx, seg, entered, exited, now);
      }
      return marks.length;
    });
  }

  /** Full evaluation of many segments in dependency order (the schedule, after imports, after RFM). */
  async evaluateMany(filter: (s: SegmentRow) => boolean, now = new Date()): Promise<{ evaluated: number; broken: number; ms: number }> {
    const t0 = performance.now();
    const cat = await loadCatalogue(this.db);
    const segs = (await segmentsRepo.list(this.db)).filter(filter);
    let broken = 0;
    for (const s of topological(segs.map((x) => ({ ...x, refs: cat.segments.get(x.id)?.refs ?? [] })))) {
      try {
        const r = await this.evaluateFull(s.id, { now, silent: s.last_computed_at === null });
        if (r.broken) broken++;
      } catch (err) {
        this.log.error({ err, segmentId: s.id }, 'segment evaluation failed');
      }
    }
    return { evaluated: segs.length, broken, ms: performance.now() - t0 };
  }
}
