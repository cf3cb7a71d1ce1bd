import { decodeCursor as decodeAny, encodeCursor as encodeAny, isUuidString } from '../../platform/http/cursor.ts';
import { sql, type SqlBool, type Expression } from 'kysely';
import type { Db, Executor } from '../../platform/db/db.ts';
import type { CustomerFilter } from './customers.schemas.ts';
import type { CustomerRow } from './customers.repo.ts';

export type CustomerSort = 'created_desc' | 'last_order_desc' | 'total_spent_desc' | 'order_count_desc' | 'name_asc';

// Each sort is a keyset: (expression, direction) then id, so pages never skip or repeat rows.
const SORTS: Record<CustomerSort, { expr: string; dir: 'asc' | 'desc'; nulls?: 'last' }> = {
  created_desc: { expr: 'c.created_at', dir: 'desc' },
  last_order_desc: { expr: 'c.last_order_at', dir: 'desc', nulls: 'last' },
  total_spent_desc: { expr: 'c.total_spent', dir: 'desc' },
  order_count_desc: { expr: 'c.order_count', dir: 'desc' },
  name_asc: { expr: "lower(coalesce(c.last_name, '') || ' ' || coalesce(c.first_name, '') || ' ' || coalesce(c.email, ''))", dir: 'asc' },
};

interface Cursor {
  v: string | number | null;
  id: string;
}

export const encodeCursor = (c: Cursor): string => encodeAny(c);
const decodeCursor = (s: string): Cursor => decodeAny(s, (v): v is Cursor => typeof v === 'object' && v !== null && isUuidString((v as Cursor).id));

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => '\\' + ch);
}

/**
 * Customers whose identities (external ids, user ids, emails, phones) equal the search text exactly.
 * Looked up first (a b-tree probe) so the main query can OR a short id list with the trigram
 * match: Postgres then combines two index scans instead of scanning every profile.
 */
async function identityMatches(db: Executor, q: string | undefined): Promise<string[]> {
  if (!q) return [];
  const t = q.trim();
  const rows = await sql<{ customer_id: string }>`select customer_id from customer_identities where value = ${t} or value = ${t.toLowerCase()} limit 100`.execute(db);
  return [...new Set(rows.rows.map((r) => r.customer_id))];
}

/** WHERE conditions for a customer filter, shared by the list, the export and bulk actions. */
export function filterConditions(f: CustomerFilter, identityIds: string[] = []): Expression<SqlBool>[] {
  const where: Expression<SqlBool>[] = [sql<SqlBool>`c.merged_into is null`];
  if (!f.includeAnonymous) where.push(sql<SqlBool>`not c.anonymous`);
  if (f.q) {
    const q = f.q.trim().toLowerCase();
    // A phone typed with spaces or dashes is matched by its digits (search_text holds the normalised number).
    const digits = q.replace(/\D/g, '');
    const term = digits.length >= 5 && /^[+\d\s().-]+$/.test(q) ? digits : q;
    const ids = identityIds.length ? sql` or c.id = any(${identityIds}::uuid[])` : sql``;
    where.push(sql<SqlBool>`(c.search_text like ${'%' + escapeLike(term) + '%'}${ids})`);
  }
  const tags = f.tag === undefined ? [] : Array.isArray(f.tag) ? f.tag : [f.tag];
  if (tags.length) where.push(sql<SqlBool>`c.tags @> ${tags}::text[]`);
  if (f.country) where.push(sql<SqlBool>`c.country = ${f.country}`);
  if (f.minOrders !== undefined) where.push(sql<SqlBool>`c.order_count >= ${f.minOrders}`);
  if (f.maxOrders !== undefined) where.push(sql<SqlBool>`c.order_count <= ${f.maxOrders}`);
  if (f.minSpent !== undefined) where.push(sql<SqlBool>`c.total_spent >= ${f.minSpent}`);
  if (f.maxSpent !== undefined) where.push(sql<SqlBool>`c.total_spent <= ${f.maxSpent}`);
  if (f.lastOrderFrom) where.push(sql<SqlBool>`c.last_order_at >= ${f.lastOrderFrom}`);
  if (f.lastOrderTo) where.push(sql<SqlBool>`c.last_order_at < ${f.lastOrderTo}`);
  for (const [channel, v] of [['email', f.emailConsent], ['sms', f.smsConsent]] as const) {
    if (!v) continue;
    // customer_consents_status_idx (channel, status, customer_id) answers both forms.
    const status = v === 'not_subscribed' ? 'subscribed' : v;
    const has = sql<SqlBool>`exists (select 1 from customer_consents cc where cc.customer_id = c.id and cc.channel = ${channel} and cc.status = ${status})`;
    where.push(v === 'not_subscribed' ? sql<SqlBool>`not ${has}` : has);
  }
  return where;
}

/** Whether a filter narrows the list (the search, tags, ranges, consent), as opposed to listing everyone. */
export function isFiltered(f: CustomerFilter): boolean {
  const { includeAnonymous: _all, ...rest } = f;
  return Object.values(rest).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0));
}

const EXACT_BUDGET_MS = { unfiltered: 250, filtered: 3000 };

/**
 * How many customers match. Counted exactly within a time budget (a quarter second for everyone,
 * three seconds for a filter), so the count never holds the database for long; past it, the planner's
 * estimate, labelled approximate. A separate request from the list, so the list never waits for it.
 */
export async function countCustomers(db: Db, f: CustomerFilter, budgetMs = isFiltered(f) ? EXACT_BUDGET_MS.filtered : EXACT_BUDGET_MS.unfiltered): Promise<{ count: number; approximate: boolean }> {
  const where = sql.join(filterConditions(f, await identityMatches(db, f.q)), sql` and `);
  try {
    return await db.transaction().execute(async (tx) => {
      await sql.raw(`set local statement_timeout = ${Math.max(1, Math.round(budgetMs))}`).execute(tx);
      const r = await sql<{ n: string }>`select count(*) as n from customers c where ${where}`.execute(tx);
      return { count: Number(r.rows[0]?.n ?? 0), approximate: false };
    });
  } catch (e) {
    if ((e as { code?: string }).code !== '57014') throw e; // query_canceled: over budget
    return estimateCustomers(db, f);
  }
}

/** The planner's estimate of how many customers match (from the table statistics; no rows read). */
export async function estimateCustomers(db: Executor, f: CustomerFilter): Promise<{ count: number; approximate: true }> {
  const where = sql.join(filterConditions(f, await identityMatches(db, f.q)), sql` and `);
  const plan = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>`explain (format json) select 1 from customers c where ${where}`.execute(db);
  return { count: Math.round(plan.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0), approximate: true };
}

/** Ids of the customers matching a filter after `afterId`, in id order (bulk jobs walk the set in chunks). */
export async function customerIdsAfter(db: Executor, f: CustomerFilter, afterId: string | null, limit: number): Promise<string[]> {
  const where = filterConditions(f, await identityMatches(db, f.q));
  if (afterId) where.push(sql<SqlBool>`c.id > ${afterId}::uuid`);
  const rows = await sql<{ id: string }>`select c.id from customers c where ${sql.join(where, sql` and `)} order by c.id limit ${limit}`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** One page of customers matching the filter, in the chosen order. */
export async function listCustomers(db: Executor, f: CustomerFilter, sort: CustomerSort, limit: number, cursor?: string): Promise<{ rows: (CustomerRow & { ref?: string | null })[]; nextCursor: string | null }> {
  const s = SORTS[sort];
  const where = filterConditions(f, await identityMatches(db, f.q));
  const expr = sql.raw(s.expr);
  if (cursor) {
    const c = decodeCursor(cursor);
    const cmp = sql.raw(s.dir === 'desc' ? '<' : '>');
    if (s.nulls === 'last') {
      // Non-null values first, then the nulls ordered by id.
      where.push(c.v === null
        ? sql<SqlBool>`(${expr} is null and c.id ${cmp} ${c.id}::uuid)`
        : sql<SqlBool>`((${expr}, c.id) ${cmp} (${c.v}, ${c.id}::uuid) or ${expr} is null)`);
    } else {
      where.push(sql<SqlBool>`(${expr}, c.id) ${cmp} (${c.v}, ${c.id}::uuid)`);
    }
  }
  const dir = sql.raw(s.dir);
  const nulls = sql.raw(s.nulls ? ' nulls last' : '');
  const rows = await sql<CustomerRow & { sort_value: string | number | Date | null; ref: string | null }>`
    select c.*, ${expr} as sort_value,
      case when c.first_name is null and c.last_name is null and c.email is null and c.phone is null then
        (select i.source || ' ' || i.value from customer_identities i where i.customer_id = c.id and i.kind in ('external', 'user_id') order by i.created_at limit 1)
      end as ref
    from customers c
    where ${sql.join(where, sql` and `)}
    order by ${expr} ${dir}${nulls}, c.id ${dir}
    limit ${limit + 1}`.execute(db);
  const items = rows.rows.slice(0, limit);
  const last = items.at(-1);
  const v = last?.sort_value;
  const nextCursor = rows.rows.length > limit && last ? encodeCursor({ v: v instanceof Date ? v.toISOString() : (v ?? null), id: last.id }) : null;
  return { rows: items, nextCursor };
}

/** Ids of every customer matching a filter (bulk actions), at most `max`. */
export async function customerIdsMatching(db: Executor, f: CustomerFilter, max: number): Promise<string[]> {
  const rows = await sql<{ id: string }>`select c.id from customers c where ${sql.join(filterConditions(f, await identityMatches(db, f.q)), sql` and `)} limit ${max}`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** A CSV cell: quoted, and a leading = + - @ (or tab/CR) neutralised so spreadsheets do not run it as a formula. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.join(';') : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
