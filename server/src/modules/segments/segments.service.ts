import { sql } from 'kysely';
import { ACTIVITY_TYPES } from '../../platform/activities/activity-types.ts';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor } from '../../platform/db/db.ts';
import { badRequest, notFound, type FieldError } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { fromMinor } from '../../platform/money.ts';
import { getSetting, getStoreSettings, putSetting } from '../../platform/settings.ts';
import { CLASS_INFO } from '../rfm/rfm.classes.ts';
import { BUILTINS } from './segments.builtins.ts';
import { analyse } from './segments.compile.ts';
import { RFM_CLASSES, type Definition } from './segments.definition.ts';
import { describeDefinition, type DescribeContext } from './segments.describe.ts';
import { checkStored, type SegmentEvaluator } from './segments.evaluate.ts';
import { loadCatalogue, opsFor, type Catalogue } from './segments.fields.ts';
import { segmentsRepo, type SegmentRow } from './segments.repo.ts';
import type { FieldsCatalogue, RawDefinition, Segment, SegmentMember } from './segments.schemas.ts';
import { parseDefinition, validateDefinition } from './segments.validate.ts';

export function describeContext(cat: Catalogue, currency: string): DescribeContext {
  const fmt = new Intl.NumberFormat('en', { style: 'currency', currency });
  return {
    fields: Object.fromEntries([...cat.fields].map(([k, f]) => [k, { label: f.label, type: f.type }])),
    segmentNames: Object.fromEntries([...cat.segments].map(([id, s]) => [id, s.name])),
    money: (minor) => fmt.format(Number(fromMinor(minor, currency))),
  };
}

interface MemberRow {
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  country: string | null;
  order_count: number;
  total_spent: string | number;
  last_order_at: Date | null;
  entered_at: Date | null;
  ref: string | null;
}
/** Customers known only by an external id are named by it ("Customer uci 12713"), as everywhere else. */
const REF = sql`case when c.first_name is null and c.last_name is null and c.email is null then
  (select i.source || ' ' || i.value from customer_identities i where i.customer_id = c.id and i.kind in ('external', 'user_id') order by i.created_at limit 1) end as ref`;
const toMember = (r: MemberRow): SegmentMember => ({
  id: r.id, name: [r.first_name, r.last_name].filter(Boolean).join(' ') || r.email || (r.ref ? `Customer ${r.ref}` : 'Unnamed customer'), email: r.email, country: r.country,
  orderCount: r.order_count, totalSpent: Number(r.total_spent), lastOrderAt: r.last_order_at, enteredAt: r.entered_at,
});

/** Segments: definitions (validated, versioned), membership (through the evaluator), the builder's catalogue. */
export class SegmentsService {
  private readonly db: Db;
  private readonly evaluator: SegmentEvaluator;
  /** Runs after a definition is saved or deleted (this process re-reads which activities matter at once). */
  afterSave: () => Promise<void> = async () => undefined;

  constructor(db: Db, evaluator: SegmentEvaluator) {
    this.db = db;
    this.evaluator = evaluator;
  }

  /** Parses and validates a definition sent by a client; 400 naming every wrong node. */
  async checkDefinition(raw: RawDefinition, selfId?: string, db: Executor = this.db): Promise<{ definition: Definition; cat: Catalogue }> {
    const parsed = parseDefinition(raw, '/body/definition');
    if (!parsed.definition) throw invalid(parsed.errors);
    const cat = await loadCatalogue(db);
    const errors = validateDefinition(parsed.definition, cat, selfId, '/body/definition');
    if (errors.length) throw invalid(errors);
    return { definition: parsed.definition, cat };
  }

  private async out(rows: SegmentRow[]): Promise<Segment[]> {
    const [cat, store, trends] = await Promise.all([loadCatalogue(this.db), getStoreSettings(this.db), segmentsRepo.trends(this.db, 30)]);
    const dctx = describeContext(cat, store.currency);
    return rows.map((r) => {
      // Checked live: a deleted attribute or segment shows the segment broken at once, not at its next run.
      const checked = checkStored(r, cat);
      const broken = r.status === 'broken' ? r.broken_reason : checked.broken;
      return {
        id: r.id, name: r.name, description: r.description, definition: r.definition,
        summary: checked.definition ? describeDefinition(checked.definition, dctx) : 'This segment cannot be evaluated: ' + (broken ?? 'unknown reason'),
        revision: r.revision, builtIn: r.builtin_key, status: broken ? 'broken' : r.last_computed_at ? 'active' : 'computing', brokenReason: broken ?? null,
        scheduled: r.scheduled, triggers: r.triggers, size: r.size, trend: trends.get(r.id) ?? [], lastComputedAt: r.last_computed_at, lastDurationMs: r.last_duration_ms,
        createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at,
      };
    });
  }

  async list(): Promise<Segment[]> {
    return this.out(await segmentsRepo.list(this.db));
  }

  async get(id: string): Promise<Segment> {
    const r = await segmentsRepo.get(this.db, id);
    if (!r) throw notFound(`No segment ${id}.`);
    return (await this.out([r]))[0]!;
  }

  async create(actor: Actor, b: { name: string; description: string; definition: RawDefinition }, builtinKey: string | null = null): Promise<Segment> {
    const { definition, cat } = await this.checkDefinition(b.definition);
    const a = analyse(definition, cat);
    const id = newId();
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('segments').values({
        id, name: b.name, description: b.description, definition: JSON.stringify(definition), builtin_key: builtinKey, triggers: a.triggers, scheduled: a.scheduled, created_by: actor.label,
      }).execute();
      await tx.insertInto('segment_versions').values({ segment_id: id, revision: 1, definition: JSON.stringify(definition), name: b.name, actor_label: actor.label }).execute();
      await audit.record(tx, actor, { action: 'segment.created', entityType: 'segment', entityId: id, summary: `Created segment "${b.name}"`, after: { name: b.name, definition } });
    });
    await this.evaluator.evaluateFull(id, { silent: true });
    await this.afterSave();
    return this.get(id);
  }

  async update(actor: Actor, id: string, b: { name?: string; description?: string; definition?: RawDefinition }): Promise<Segment> {
    const checked = b.definition ? await this.checkDefinition(b.definition, id) : null;
    const changedDefinition = await this.db.transaction().execute(async (tx) => {
      const cur = await tx.selectFrom('segments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!cur) throw notFound(`No segment ${id}.`);
      const defChanged = checked !== null && JSON.stringify(checked.definition) !== JSON.stringify(cur.definition);
      const revision = defChanged ? cur.revision + 1 : cur.revision;
      const a = checked ? analyse(checked.definition, checked.cat) : null;
      await tx.updateTable('segments').set({
        name: b.name ?? cur.name, description: b.description ?? cur.description, updated_at: new Date(), revision,
        ...(defChanged && checked && a ? { definition: JSON.stringify(checked.definition), triggers: a.triggers, scheduled: a.scheduled, status: 'active', broken_reason: null } : {}),
      }).where('id', '=', id).execute();
      if (defChanged && checked) {
        await tx.insertInto('segment_versions').values({ segment_id: id, revision, definition: JSON.stringify(checked.definition), name: b.name ?? cur.name, actor_label: actor.label }).execute();
      }
      await audit.record(tx, actor, {
        action: 'segment.updated', entityType: 'segment', entityId: id, summary: `Updated segment "${b.name ?? cur.name}"${defChanged ? ` (revision ${revision})` : ''}`,
        before: { name: cur.name, description: cur.description, definition: cur.definition }, after: { name: b.name ?? cur.name, description: b.description ?? cur.description, definition: checked?.definition ?? cur.definition },
      });
      return defChanged;
    });
    // A new rule moves people in and out for real: those are entries and exits flows may act on.
    if (changedDefinition) await this.evaluator.evaluateFull(id);
    await this.afterSave();
    return this.get(id);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const r = await tx.deleteFrom('segments').where('id', '=', id).returningAll().executeTakeFirst();
      if (!r) throw notFound(`No segment ${id}.`);
      await audit.record(tx, actor, { action: 'segment.deleted', entityType: 'segment', entityId: id, summary: `Deleted segment "${r.name}" (${r.size} members)`, before: { name: r.name, definition: r.definition } });
    });
    await this.afterSave();
  }

  async duplicate(actor: Actor, id: string): Promise<Segment> {
    const r = await segmentsRepo.get(this.db, id);
    if (!r) throw notFound(`No segment ${id}.`);
    return this.create(actor, { name: `${r.name} (copy)`, description: r.description, definition: r.definition as Definition });
  }

  /** Recomputes now (the Refresh button). */
  async refresh(actor: Actor, id: string): Promise<Segment> {
    if (!(await segmentsRepo.get(this.db, id))) throw notFound(`No segment ${id}.`);
    const r = await this.evaluator.evaluateFull(id);
    await audit.record(this.db, actor, { action: 'segment.refreshed', entityType: 'segment', entityId: id, summary: `Recomputed segment: ${r.size} members (+${r.entered} −${r.exited})` });
    return this.get(id);
  }

  async preview(raw: RawDefinition, segmentId?: string): Promise<{ count: number; sample: SegmentMember[]; summary: string; ms: number }> {
    const { definition, cat } = await this.checkDefinition(raw, segmentId);
    const store = await getStoreSettings(this.db);
    const p = await this.evaluator.preview(definition, 10);
    const rows = p.sampleIds.length
      ? (await sql<MemberRow>`select c.id, c.first_name, c.last_name, c.email, c.country, c.order_count, c.total_spent, c.last_order_at, null::timestamptz as entered_at, ${REF}
          from customers c where c.id = any(${p.sampleIds}::uuid[]) order by c.total_spent desc, c.id`.execute(this.db)).rows
      : [];
    return { count: p.count, sample: rows.map(toMember), summary: describeDefinition(definition, describeContext(cat, store.currency)), ms: Math.round(p.ms) };
  }

  /** Members by total spent, keyset-paginated. */
  async members(id: string, limit: number, cursor?: string): Promise<{ items: SegmentMember[]; nextCursor: string | null; total: number }> {
    const seg = await segmentsRepo.get(this.db, id);
    if (!seg) throw notFound(`No segment ${id}.`);
    let after = sql``;
    if (cursor) {
      const m = /^(-?\d+)_([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
      if (!m) throw badRequest('The cursor is not valid: pass the nextCursor of the previous page unchanged.', [{ pointer: '/querystring/cursor', detail: 'is not a cursor from this API' }]);
      after = sql`and (c.total_spent, c.id) < (${m[1]}::bigint, ${m[2]}::uuid)`;
    }
    const rows = (await sql<MemberRow>`
      select c.id, c.first_name, c.last_name, c.email, c.country, c.order_count, c.total_spent, c.last_order_at, m.entered_at, ${REF}
      from segment_members m join customers c on c.id = m.customer_id
      where m.segment_id = ${id}::uuid ${after}
      order by c.total_spent desc, c.id desc limit ${limit + 1}`.execute(this.db)).rows;
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const nextCursor = rows.length > limit && last ? Buffer.from(`${last.total_spent}_${last.id}`).toString('base64url') : null;
    return { items: items.map(toMember), nextCursor, total: seg.size };
  }

  async history(id: string, days: number) {
    if (!(await segmentsRepo.get(this.db, id))) throw notFound(`No segment ${id}.`);
    return segmentsRepo.history(this.db, id, days);
  }

  async versions(id: string) {
    const rows = await this.db.selectFrom('segment_versions').selectAll().where('segment_id', '=', id).orderBy('revision', 'desc').execute();
    if (!rows.length) throw notFound(`No segment ${id}.`);
    return rows.map((r) => ({ revision: r.revision, name: r.name, definition: r.definition, actorLabel: r.actor_label, createdAt: r.created_at }));
  }

  async forCustomer(customerId: string) {
    const rows = await sql<{ id: string; name: string; entered_at: Date; builtin_key: string | null }>`
      select s.id, s.name, m.entered_at, s.builtin_key from segment_members m join segments s on s.id = m.segment_id
      where m.customer_id = ${customerId}::uuid order by s.name`.execute(this.db);
    return rows.rows.map((r) => ({ id: r.id, name: r.name, enteredAt: r.entered_at, builtIn: r.builtin_key }));
  }

  /** What the builder offers: fields with their operators, activity types, categories, segments. */
  async fields(): Promise<FieldsCatalogue> {
    const [cat, store, seen, cats] = await Promise.all([
      loadCatalogue(this.db),
      getStoreSettings(this.db),
      // Distinct types by skipping through the (type, occurred_at, customer_id) index: milliseconds at 20M rows.
      sql<{ type: string }>`with recursive t as (
          (select type from activities order by type limit 1)
          union all
          select (select a.type from activities a where a.type > t.type order by a.type limit 1) from t where t.type is not null)
        select type from t where type is not null limit 500`.execute(this.db),
      sql<{ c: string }>`select distinct unnest(categories) as c from products order by 1 limit 500`.execute(this.db),
    ]);
    const countries = (await sql<{ country: string }>`select distinct country from customers where country is not null and merged_into is null order by 1 limit 300`.execute(this.db)).rows.map((r) => r.country);
    const seenTypes = new Set(seen.rows.map((r) => r.type));
    // Property names of each type, from its 50 latest activities (a backward scan of the type's index range).
    const keys = await sql<{ type: string; keys: string[] }>`
      select t.type, array(select distinct k from (select a.properties from activities a where a.type = t.type and jsonb_typeof(a.properties) = 'object' order by a.occurred_at desc limit 50) x,
        jsonb_object_keys(x.properties) k order by k limit 60) as keys
      from unnest(${[...seenTypes]}::text[]) t(type)`.execute(this.db);
    const propsOf = new Map(keys.rows.map((r) => [r.type, r.keys]));
    const types = [...new Set([...ACTIVITY_TYPES, ...seenTypes])].sort();
    return {
      fields: [...cat.fields.values()].map((f) => ({
        key: f.key, label: f.label, group: f.group, type: f.type, ops: [...opsFor(f)], options: f.key === 'country' ? countries : f.options, recurring: f.recurring, help: f.help,
      })),
      activities: types.map((type) => ({ type, seen: seenTypes.has(type), properties: propsOf.get(type) ?? [] })),
      categories: cats.rows.map((r) => r.c),
      segments: [...cat.segments].map(([id, s]) => ({ id, name: s.name })),
      rfmClasses: RFM_CLASSES.map((key) => ({ key, label: CLASS_INFO[key].label })),
      currency: store.currency,
    };
  }

  /** Installs the built-in segments a store does not have yet (deleted ones stay deleted). */
  async ensureBuiltins(actor: Actor): Promise<number> {
    const installed = ((await getSetting(this.db, 'segments.builtins')) as string[] | undefined) ?? [];
    const have = new Set((await this.db.selectFrom('segments').select('builtin_key').where('builtin_key', 'is not', null).execute()).map((r) => r.builtin_key));
    let added = 0;
    for (const b of BUILTINS) {
      if (installed.includes(b.key) || have.has(b.key)) continue;
      try {
        await this.create(actor, { name: b.name, description: b.description, definition: b.definition }, b.key);
        added++;
      } catch (err) {
        // Another process installed it at the same moment (unique builtin_key): fine.
        if (!String((err as Error).message).includes('builtin_key')) throw err;
      }
    }
    await putSetting(this.db, 'segments.builtins', [...new Set([...installed, ...BUILTINS.map((b) => b.key)])]);
    return added;
  }
}

function invalid(errors: FieldError[]) {
  return badRequest(`The segment definition is not valid: ${errors.map((e) => `${e.pointer}: ${e.detail}`).join('; ')}`, errors);
}
