import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type {
  ActivityCondition, ActivityTimeCondition, ConsentCondition, CountRule, Definition, Duration, FieldCondition, FieldValue, Node, PropertyFilter, PurchaseCondition,
  RfmCondition, SegmentRefCondition, SequenceCondition, TimeUnit, Window,
} from './segments.definition.ts';
import { walk } from './segments.definition.ts';
import type { Catalogue, FieldDef } from './segments.fields.ts';

/**
 * Compiles a validated definition into one SQL predicate over `customers c`. Every value the user
 * gave travels as a bind parameter; the only raw SQL comes from constants in this module and in
 * segments.fields.ts (column names, operators, interval units chosen from fixed tables).
 *
 * Two shapes of the same logic:
 * - `set`: whole-store evaluation. Activity and purchase conditions become `c.id in (grouped
 *   subquery)`, which Postgres runs once as a hashed semi-join (index-only on activities).
 * - `probe`: a handful of customers (incremental re-evaluation after a write). The same conditions
 *   become correlated subqueries that read only those customers' rows.
 */
export interface CompileContext {
  cat: Catalogue;
  mode: 'set' | 'probe';
  now: Date;
  timeZone: string;
}

type Pred = RawBuilder<SqlBool>;
const TRUE = sql<SqlBool>`true`;

const INTERVAL: Record<TimeUnit, string> = {
  minutes: "interval '1 minute'",
  hours: "interval '1 hour'",
  days: "interval '1 day'",
  weeks: "interval '1 week'",
  months: "interval '1 month'",
};
const interval = (d: Duration) => sql`(${d.amount}::int * ${sql.raw(INTERVAL[d.unit])})`;

export function compileDefinition(def: Definition, ctx: CompileContext): Pred {
  return compileNode(def.root, ctx);
}

function compileNode(n: Node, ctx: CompileContext): Pred {
  switch (n.kind) {
    case 'group': {
      const parts = n.conditions.map((c) => compileNode(c, ctx));
      if (!parts.length) return TRUE;
      if (n.match === 'all') return sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
      if (n.match === 'any') return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
      return sql<SqlBool>`not coalesce((${sql.join(parts, sql` or `)}), false)`;
    }
    case 'field':
      return compileField(n, ctx);
    case 'activity':
      return compileActivity(n, ctx);
    case 'sequence':
      return compileSequence(n, ctx);
    case 'activityTime':
      return compileActivityTime(n, ctx);
    case 'purchased':
      return compilePurchase(n, ctx);
    case 'consent':
      return compileConsent(n);
    case 'rfm':
      return compileRfm(n);
    case 'segment':
      return compileSegmentRef(n);
  }
}

// --- dates ------------------------------------------------------------------

const now = (ctx: CompileContext) => sql`${ctx.now.toISOString()}::timestamptz`;
const today = (ctx: CompileContext) => sql`(${ctx.now.toISOString()}::timestamptz at time zone ${ctx.timeZone})::date`;
const isInstant = (s: string) => s.includes('T');
/** The first instant of a store day. */
const dayStart = (d: string, ctx: CompileContext, plusDays = 0) => sql`((${d.slice(0, 10)}::date + ${plusDays}::int)::timestamp at time zone ${ctx.timeZone})`;

/** A predicate on a timestamptz expression. */
function timestampPred(e: RawBuilder<unknown>, op: string, value: FieldValue | undefined, ctx: CompileContext): Pred {
  const s = typeof value === 'string' ? value : '';
  switch (op) {
    case 'exists': return sql<SqlBool>`(${e} is not null)`;
    case 'notExists': return sql<SqlBool>`(${e} is null)`;
    case 'before': return isInstant(s) ? sql<SqlBool>`(${e} < ${s}::timestamptz)` : sql<SqlBool>`(${e} < ${dayStart(s, ctx)})`;
    case 'after': return isInstant(s) ? sql<SqlBool>`(${e} > ${s}::timestamptz)` : sql<SqlBool>`(${e} >= ${dayStart(s, ctx, 1)})`;
    case 'on': return sql<SqlBool>`(${e} >= ${dayStart(s, ctx)} and ${e} < ${dayStart(s, ctx, 1)})`;
    case 'between': {
      const [a, b] = value as string[];
      return sql<SqlBool>`(${e} >= ${isInstant(a!) ? sql`${a}::timestamptz` : dayStart(a!, ctx)} and ${e} ${isInstant(b!) ? sql`<= ${b}::timestamptz` : sql`< ${dayStart(b!, ctx, 1)}`})`;
    }
    case 'inLast': return sql<SqlBool>`(${e} >= ${now(ctx)} - ${interval(value as Duration)})`;
    case 'notInLast': return sql<SqlBool>`(${e} < ${now(ctx)} - ${interval(value as Duration)})`;
    case 'inNext': return sql<SqlBool>`(${e} >= ${now(ctx)} and ${e} <= ${now(ctx)} + ${interval(value as Duration)})`;
    default: throw new Error(`date operator ${op}`);
  }
}

/** A predicate on a date expression; recurring dates (birthdays) compare their next / last anniversary. */
function datePred(e: RawBuilder<unknown>, op: string, value: FieldValue | undefined, ctx: CompileContext, recurring: boolean): Pred {
  const t = today(ctx);
  const s = typeof value === 'string' ? value.slice(0, 10) : '';
  if (recurring && (op === 'inNext' || op === 'inLast' || op === 'notInLast')) {
    // The next anniversary on or after today, and the last one on or before today (29 Feb → 28 Feb).
    const next = sql`(${e} + make_interval(years => date_part('year', age(${t} - 1, ${e}))::int + 1))::date`;
    const last = sql`(${e} + make_interval(years => date_part('year', age(${t}, ${e}))::int))::date`;
    const d = interval(value as Duration);
    if (op === 'inNext') return sql<SqlBool>`(${e} <= ${t} and ${next} <= (${t} + ${d})::date)`;
    if (op === 'inLast') return sql<SqlBool>`(${e} <= ${t} and ${last} >= (${t} - ${d})::date)`;
    return sql<SqlBool>`(${e} <= ${t} and ${last} < (${t} - ${d})::date)`;
  }
  switch (op) {
    case 'exists': return sql<SqlBool>`(${e} is not null)`;
    case 'notExists': return sql<SqlBool>`(${e} is null)`;
    case 'before': return sql<SqlBool>`(${e} < ${s}::date)`;
    case 'after': return sql<SqlBool>`(${e} > ${s}::date)`;
    case 'on': return sql<SqlBool>`(${e} = ${s}::date)`;
    case 'between': {
      const [a, b] = value as string[];
      return sql<SqlBool>`(${e} between ${a!.slice(0, 10)}::date and ${b!.slice(0, 10)}::date)`;
    }
    case 'inLast': return sql<SqlBool>`(${e} <= ${t} and ${e} >= (${t} - ${interval(value as Duration)})::date)`;
    case 'notInLast': return sql<SqlBool>`(${e} < (${t} - ${interval(value as Duration)})::date)`;
    case 'inNext': return sql<SqlBool>`(${e} >= ${t} and ${e} <= (${t} + ${interval(value as Duration)})::date)`;
    default: throw new Error(`date operator ${op}`);
  }
}

// --- fields -----------------------------------------------------------------

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => '\\' + ch);
const CMP: Record<string, string> = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

function fieldExpr(f: FieldDef, ctx: CompileContext): RawBuilder<unknown> {
  if (f.key === 'orderIntervalRatio') {
    return sql`(case when c.order_count >= 2 and c.last_order_at > c.first_order_at
      then extract(epoch from (${now(ctx)} - c.last_order_at)) / (extract(epoch from (c.last_order_at - c.first_order_at)) / (c.order_count - 1)) end)`;
  }
  return f.expr;
}

function compileField(n: FieldCondition, ctx: CompileContext): Pred {
  const f = ctx.cat.fields.get(n.field);
  if (!f) throw new Error(`unknown field ${n.field} (validate first)`);
  const e = fieldExpr(f, ctx);
  const v = n.value;
  if (n.op === 'topPercent' || n.op === 'bottomPercent') {
    // Top p %: the buyers ranked within the first floor(n·p) by this figure. percentile_disc(1 − p)
    // is the value at ascending position ceil(n·(1 − p)); strictly above it are exactly those ranks
    // (customers tied at the boundary stay out: "at most p %"). Bottom p % mirrors it.
    const p = (v as number) / 100;
    if (p >= 1) return sql<SqlBool>`(c.order_count > 0)`;
    const top = n.op === 'topPercent';
    const threshold = sql`(select percentile_disc(${1 - p}::float8) within group (order by ${e}${sql.raw(top ? '' : ' desc')}) from customers c where c.merged_into is null and not c.anonymous and c.order_count > 0)`;
    return sql<SqlBool>`(c.order_count > 0 and ${e} ${sql.raw(top ? '>' : '<')} ${threshold})`;
  }
  if (f.type === 'timestamp') return timestampPred(e, n.op, v, ctx);
  if (f.type === 'date') return datePred(e, n.op, v, ctx, f.recurring === true);
  if (f.type === 'list') {
    const arr = Array.isArray(v) ? v.map(String) : [];
    if (f.key === 'tags') {
      switch (n.op) {
        case 'hasAny': return sql<SqlBool>`(c.tags && ${arr}::text[])`;
        case 'hasAll': return sql<SqlBool>`(c.tags @> ${arr}::text[])`;
        case 'hasNone': return sql<SqlBool>`not (c.tags && ${arr}::text[])`;
        case 'isEmpty': return sql<SqlBool>`(cardinality(c.tags) = 0)`;
        default: return sql<SqlBool>`(cardinality(c.tags) > 0)`;
      }
    }
    switch (n.op) {
      case 'hasAny': return sql<SqlBool>`coalesce(${e} ?| ${arr}::text[], false)`;
      case 'hasAll': return sql<SqlBool>`coalesce(${e} ?& ${arr}::text[], false)`;
      case 'hasNone': return sql<SqlBool>`not coalesce(${e} ?| ${arr}::text[], false)`;
      case 'isEmpty': return sql<SqlBool>`(coalesce(jsonb_array_length(${e}), 0) = 0)`;
      default: return sql<SqlBool>`(coalesce(jsonb_array_length(${e}), 0) > 0)`;
    }
  }
  if (f.type === 'boolean') {
    switch (n.op) {
      case 'isTrue': return sql<SqlBool>`(${e} is true)`;
      case 'isFalse': return sql<SqlBool>`(${e} is false)`;
      case 'exists': return sql<SqlBool>`(${e} is not null)`;
      default: return sql<SqlBool>`(${e} is null)`;
    }
  }
  if (f.type === 'number' || f.type === 'money') {
    switch (n.op) {
      case 'exists': return sql<SqlBool>`(${e} is not null)`;
      case 'notExists': return sql<SqlBool>`(${e} is null)`;
      case 'neq': return sql<SqlBool>`(${e} is distinct from ${v}::numeric)`;
      case 'between': {
        const [a, b] = v as number[];
        return sql<SqlBool>`(${e} between ${a}::numeric and ${b}::numeric)`;
      }
      default: return sql<SqlBool>`(${e} ${sql.raw(CMP[n.op]!)} ${v}::numeric)`;
    }
  }
  // text: case-insensitive, and "is not" / "does not contain" include customers without a value.
  const s = typeof v === 'string' ? v : '';
  switch (n.op) {
    case 'exists': return sql<SqlBool>`(coalesce(${e}, '') <> '')`;
    case 'notExists': return sql<SqlBool>`(coalesce(${e}, '') = '')`;
    case 'is': return sql<SqlBool>`(lower(${e}) = lower(${s}))`;
    case 'isNot': return sql<SqlBool>`(lower(${e}) is distinct from lower(${s}))`;
    case 'contains': return sql<SqlBool>`(${e} ilike ${'%' + escapeLike(s) + '%'})`;
    case 'notContains': return sql<SqlBool>`(coalesce(${e}, '') not ilike ${'%' + escapeLike(s) + '%'})`;
    case 'startsWith': return sql<SqlBool>`(${e} ilike ${escapeLike(s) + '%'})`;
    case 'endsWith': return sql<SqlBool>`(${e} ilike ${'%' + escapeLike(s)})`;
    case 'in': return sql<SqlBool>`(lower(${e}) = any(${(v as string[]).map((x) => x.toLowerCase())}::text[]))`;
    case 'notIn': return sql<SqlBool>`(${e} is null or not (lower(${e}) = any(${(v as string[]).map((x) => x.toLowerCase())}::text[])))`;
    default: throw new Error(`text operator ${n.op}`);
  }
}

// --- activities ---------------------------------------------------------------

function windowPred(col: RawBuilder<unknown>, w: Window, ctx: CompileContext): Pred {
  if (w.type === 'ever') return TRUE;
  if (w.type === 'inLast') return sql<SqlBool>`${col} >= ${now(ctx)} - ${interval({ amount: w.amount, unit: w.unit })}`;
  const from = isInstant(w.from) ? sql`${w.from}::timestamptz` : dayStart(w.from, ctx);
  const to = isInstant(w.to) ? sql`<= ${w.to}::timestamptz` : sql`< ${dayStart(w.to, ctx, 1)}`;
  return sql<SqlBool>`${col} >= ${from} and ${col} ${to}`;
}

function propertyPred(alias: string, f: PropertyFilter): Pred {
  const path = f.property.split('.');
  const json = sql`${sql.ref(`${alias}.properties`)} #> ${path}::text[]`;
  const text = sql`${sql.ref(`${alias}.properties`)} #>> ${path}::text[]`;
  const num = sql`(case when jsonb_typeof(${json}) = 'number' then (${text})::numeric end)`;
  switch (f.op) {
    case 'exists': return sql<SqlBool>`${json} is not null`;
    case 'notExists': return sql<SqlBool>`${json} is null`;
    case 'contains': return sql<SqlBool>`${text} ilike ${'%' + escapeLike(String(f.value)) + '%'}`;
    case 'eq':
    case 'neq': {
      const eq = typeof f.value === 'number' ? sql<SqlBool>`${num} = ${f.value}::numeric`
        : typeof f.value === 'boolean' ? sql<SqlBool>`${json} = to_jsonb(${f.value}::boolean)`
        : sql<SqlBool>`${text} = ${String(f.value)}`;
      return f.op === 'eq' ? eq : sql<SqlBool>`not coalesce(${eq}, false)`;
    }
    default: return sql<SqlBool>`${num} ${sql.raw(CMP[f.op]!)} ${f.value}::numeric`;
  }
}

/**
 * "count of matching rows per customer" against a count rule. `rows(correlated)` gives the FROM/WHERE
 * of the matching rows (correlated to c.id in probe mode) and `counted` what is counted.
 */
function countRule(rule: CountRule, ctx: CompileContext, rows: (correlated: boolean) => RawBuilder<unknown>, customerCol: string, counted: RawBuilder<unknown>): Pred {
  const n = rule.value;
  const cust = sql.raw(customerCol);
  if (ctx.mode === 'probe') {
    const cnt = sql`(select count(${counted}) from ${rows(true)})`;
    const op = rule.op === 'atLeast' ? '>=' : rule.op === 'atMost' ? '<=' : '=';
    return sql<SqlBool>`(${cnt} ${sql.raw(op)} ${n}::int)`;
  }
  // Set mode: customers with more than / at least / exactly n matches, as a hashed semi-join.
  const having = (op: string, k: number) => sql`(select ${cust} from ${rows(false)} group by ${cust} having count(${counted}) ${sql.raw(op)} ${k}::int)`;
  const any = sql`(select ${cust} from ${rows(false)})`;
  if (rule.op === 'atLeast') return n <= 0 ? TRUE : n === 1 ? sql<SqlBool>`c.id in ${any}` : sql<SqlBool>`c.id in ${having('>=', n)}`;
  if (rule.op === 'atMost') return sql<SqlBool>`not (c.id in ${n === 0 ? any : having('>', n)})`;
  return n === 0 ? sql<SqlBool>`not (c.id in ${any})` : sql<SqlBool>`c.id in ${having('=', n)}`;
}

function activityRows(alias: string, type: string, w: Window, where: PropertyFilter[] | undefined, ctx: CompileContext, correlated: boolean): RawBuilder<unknown> {
  const a = sql.raw(alias);
  const conds: Pred[] = [sql<SqlBool>`${a}.type = ${type}`, windowPred(sql.raw(`${alias}.occurred_at`), w, ctx), ...(where ?? []).map((f) => propertyPred(alias, f))];
  if (correlated) conds.unshift(sql<SqlBool>`${a}.customer_id = c.id`);
  return sql`activities ${a} where ${sql.join(conds, sql` and `)}`;
}

function compileActivity(n: ActivityCondition, ctx: CompileContext): Pred {
  return countRule(n.count, ctx, (corr) => activityRows('a', n.activity, n.window, n.where, ctx, corr), 'a.customer_id', sql`*`);
}

function compileSequence(n: SequenceCondition, ctx: CompileContext): Pred {
  const d = interval(n.notWithin);
  const rows = (corr: boolean) => sql`${activityRows('x', n.did, n.window, n.didWhere, ctx, corr)}
      and x.occurred_at <= ${now(ctx)} - ${d}
      and not exists (select 1 from activities y where y.customer_id = x.customer_id and y.type = ${n.didNot} and y.occurred_at >= x.occurred_at and y.occurred_at < x.occurred_at + ${d})`;
  if (ctx.mode === 'probe') return sql<SqlBool>`exists (select 1 from ${rows(true)})`;
  return sql<SqlBool>`c.id in (select x.customer_id from ${rows(false)})`;
}

function compileActivityTime(n: ActivityTimeCondition, ctx: CompileContext): Pred {
  const agg = sql.raw(n.which === 'first' ? 'min' : 'max');
  if (ctx.mode === 'probe') {
    return timestampPred(sql`(select ${agg}(a.occurred_at) from activities a where a.customer_id = c.id and a.type = ${n.activity})`, n.op, n.value, ctx);
  }
  const anyOf = sql`(select a.customer_id from activities a where a.type = ${n.activity})`;
  if (n.op === 'exists') return sql<SqlBool>`c.id in ${anyOf}`;
  if (n.op === 'notExists') return sql<SqlBool>`not (c.id in ${anyOf})`;
  const pred = timestampPred(sql`${agg}(a.occurred_at)`, n.op, n.value, ctx);
  return sql<SqlBool>`c.id in (select a.customer_id from activities a where a.type = ${n.activity} group by a.customer_id having ${pred})`;
}

function compilePurchase(n: PurchaseCondition, ctx: CompileContext): Pred {
  const target = n.target === 'product' ? sql<SqlBool>`l.product_id = any(${n.values}::uuid[])`
    : n.target === 'sku' ? sql<SqlBool>`l.sku = any(${n.values}::text[])`
    : sql<SqlBool>`l.product_id in (select p.id from products p where p.categories && ${n.values}::text[])`;
  const rows = (corr: boolean) => sql`orders o join order_lines l on l.order_id = o.id
      where ${corr ? sql`o.customer_id = c.id` : sql`o.customer_id is not null`} and o.status <> 'cancelled' and ${target} and ${windowPred(sql`o.placed_at`, n.window, ctx)}`;
  return countRule(n.count, ctx, rows, 'o.customer_id', sql`distinct o.id`);
}

// --- consent, RFM, other segments -------------------------------------------

function compileConsent(n: ConsentCondition): Pred {
  const known = n.statuses.filter((s) => s !== 'none');
  if (!n.statuses.includes('none')) {
    return sql<SqlBool>`c.id in (select cc.customer_id from customer_consents cc where cc.channel = ${n.channel} and cc.status = any(${known}::text[]))`;
  }
  // Includes "never asked": everyone except those whose recorded status is another one.
  return sql<SqlBool>`not (c.id in (select cc.customer_id from customer_consents cc where cc.channel = ${n.channel} and not (cc.status = any(${known}::text[]))))`;
}

function compileRfm(n: RfmCondition): Pred {
  if (n.field === 'class') {
    const inner = sql`(select r.customer_id from customer_rfm r where r.class = any(${n.value}::text[]))`;
    return n.op === 'in' ? sql<SqlBool>`c.id in ${inner}` : sql<SqlBool>`not (c.id in ${inner})`;
  }
  const colName = sql.raw(`r.${n.field}`);
  const cond = n.op === 'between' ? sql`${colName} between ${(n.value as number[])[0]}::int and ${(n.value as number[])[1]}::int`
    : n.op === 'neq' ? sql`${colName} <> ${n.value as number}::int`
    : sql`${colName} ${sql.raw(CMP[n.op]!)} ${n.value as number}::int`;
  return sql<SqlBool>`c.id in (select r.customer_id from customer_rfm r where ${cond})`;
}

function compileSegmentRef(n: SegmentRefCondition): Pred {
  const inner = sql`(select m.customer_id from segment_members m where m.segment_id = ${n.segmentId}::uuid)`;
  return n.op === 'in' ? sql<SqlBool>`c.id in ${inner}` : sql<SqlBool>`not (c.id in ${inner})`;
}

// --- what a definition depends on --------------------------------------------

export const PROFILE_TRIGGERS = ['Customer Created', 'Profile Updated', 'Identified', 'Profiles Merged'];
export const COMMERCE_TRIGGERS = ['Customer Created', 'Order Completed', 'Order Updated', 'Order Refunded', 'Order Cancelled', 'Profiles Merged'];
const ALWAYS = ['Customer Created', 'Profiles Merged'];

export interface Analysis {
  /** Activity types whose arrival can change a customer's membership. */
  triggers: string[];
  /** Membership also changes with time or with other customers: re-evaluate on a schedule. */
  scheduled: boolean;
  /** Segments referenced (evaluated before this one). */
  refs: string[];
  usesRfm: boolean;
}

export function analyse(def: Definition, cat: Catalogue): Analysis {
  const triggers = new Set(ALWAYS);
  let scheduled = false;
  let usesRfm = false;
  const refs: string[] = [];
  const relative = (op: string) => op === 'inLast' || op === 'notInLast' || op === 'inNext';
  walk(def, (n) => {
    switch (n.kind) {
      case 'field': {
        const f = cat.fields.get(n.field);
        (f?.changesWith === 'commerce' ? COMMERCE_TRIGGERS : PROFILE_TRIGGERS).forEach((t) => triggers.add(t));
        if (f?.changesWith === 'time' || relative(n.op) || n.op === 'topPercent' || n.op === 'bottomPercent') scheduled = true;
        if (f?.key === 'orderIntervalRatio') COMMERCE_TRIGGERS.forEach((t) => triggers.add(t));
        return;
      }
      case 'activity':
        triggers.add(n.activity);
        if (n.window.type === 'inLast') scheduled = true;
        return;
      case 'sequence':
        triggers.add(n.did);
        triggers.add(n.didNot);
        scheduled = true;
        return;
      case 'activityTime':
        triggers.add(n.activity);
        if (relative(n.op)) scheduled = true;
        return;
      case 'purchased':
        COMMERCE_TRIGGERS.forEach((t) => triggers.add(t));
        if (n.window.type === 'inLast') scheduled = true;
        return;
      case 'consent':
        triggers.add('Consent Changed');
        return;
      case 'rfm':
        usesRfm = true;
        return;
      case 'segment':
        refs.push(n.segmentId);
        triggers.add('Segment Entered');
        triggers.add('Segment Exited');
        scheduled = true;
        return;
      default:
        return;
    }
  });
  return { triggers: [...triggers].sort(), scheduled, refs, usesRfm };
}
