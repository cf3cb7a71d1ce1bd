import { sql, type Expression, type Insertable, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import type { TicketFilter } from './inbox.schemas.ts';
import { ASSIGNEE_NAME, CUSTOMER_NAME, TEAM_NAME, type TicketListRow } from './tickets.repo.ts';
import type { TicketViewsTable } from './tickets.tables.ts';

// Written as literals (not parameters) so the planner matches the partial indexes of migration 0020.
const WORKING = sql<SqlBool>`t.status not in ('solved','closed')`;

/** A search box's words as a prefix tsquery ("parc ref" → parc:* & ref:*); undefined when no word is left. */
export function toPrefixQuery(q: string): string | undefined {
  const lower = q.toLowerCase();
  // An email address is one lexeme in the 'simple' configuration: keep it whole (quoted) instead of splitting it.
  const emails = lower.match(/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu) ?? [];
  const rest = emails.reduce((acc, e) => acc.replace(e, ' '), lower);
  const words = rest.match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms = [...emails.map((e) => `'${e.replace(/'/g, '')}':*`), ...words.map((w) => `${w}:*`)].slice(0, 8);
  return terms.length ? terms.join(' & ') : undefined;
}

/** The SQL conditions of a filter (and an optional search) over `tickets as t`. */
export function conditions(f: TicketFilter, me: string | null, q?: string): Expression<SqlBool>[] {
  const out: Expression<SqlBool>[] = [];
  if (f.status === 'working') out.push(WORKING);
  else if (f.status) out.push(sql<SqlBool>`t.status in (${sql.join(f.status)})`);
  if (f.assignee === 'none') out.push(sql<SqlBool>`t.assignee_id is null`);
  else if (f.assignee === 'me') out.push(me ? sql<SqlBool>`t.assignee_id = ${me}` : sql<SqlBool>`false`);
  else if (f.assignee) out.push(sql<SqlBool>`t.assignee_id = ${f.assignee}`);
  if (f.teamId === 'none') out.push(sql<SqlBool>`t.team_id is null`);
  else if (f.teamId) out.push(sql<SqlBool>`t.team_id = ${f.teamId}`);
  if (f.tags?.length) out.push(sql<SqlBool>`t.tags @> ${f.tags.map((t) => t.toLowerCase())}::text[]`);
  if (f.channel?.length) out.push(sql<SqlBool>`t.channel in (${sql.join(f.channel)})`);
  if (f.priority?.length) out.push(sql<SqlBool>`t.priority in (${sql.join(f.priority)})`);
  if (f.slaAtRisk) out.push(sql<SqlBool>`t.sla_warn_at <= now()`, WORKING);
  if (f.customerId) out.push(sql<SqlBool>`t.customer_id = ${f.customerId}`);
  if (q) {
    const n = /^#?(\d{1,15})$/.exec(q.trim());
    const tsq = toPrefixQuery(q);
    if (n) out.push(sql<SqlBool>`t.number = ${Number(n[1])}`);
    else if (tsq) out.push(sql<SqlBool>`t.search @@ to_tsquery('simple', ${tsq})`);
  }
  return out;
}

export interface ListPage {
  filter: TicketFilter;
  me: string | null;
  q?: string;
  sort: 'newest' | 'oldest';
  limit: number;
  after?: { at: string; id: string };
}

/** The inbox: tickets matching a filter, keyset-paginated on (last_message_at, id). */
export const inboxRepo = {
  async list(db: Executor, p: ListPage): Promise<TicketListRow[]> {
    const where = conditions(p.filter, p.me, p.q);
    const desc = p.sort === 'newest';
    if (p.after) where.push(desc ? sql<SqlBool>`(t.last_message_at, t.id) < (${p.after.at}::timestamptz, ${p.after.id}::uuid)` : sql<SqlBool>`(t.last_message_at, t.id) > (${p.after.at}::timestamptz, ${p.after.id}::uuid)`);
    let query = db.selectFrom('tickets as t').selectAll('t')
      .select([CUSTOMER_NAME.as('customer_name'), ASSIGNEE_NAME.as('assignee_name'), TEAM_NAME.as('team_name')]);
    for (const w of where) query = query.where(w);
    return query.orderBy('t.last_message_at', desc ? 'desc' : 'asc').orderBy('t.id', desc ? 'desc' : 'asc').limit(p.limit + 1).execute();
  },

  async count(db: Executor, f: TicketFilter, me: string | null): Promise<number> {
    let query = db.selectFrom('tickets as t').select(sql<number>`count(*)::int`.as('n'));
    for (const w of conditions(f, me)) query = query.where(w);
    return (await query.executeTakeFirstOrThrow()).n;
  },

  /** The counts beside the built-in views, in one pass over the working tickets (plus solved). */
  async builtinCounts(db: Executor, me: string | null): Promise<Record<string, number>> {
    const r = await sql<Record<string, number>>`
      select count(*) filter (where t.assignee_id = ${me ?? '00000000-0000-0000-0000-000000000000'})::int as mine,
             count(*) filter (where t.assignee_id is null)::int as unassigned,
             count(*)::int as open,
             count(*) filter (where t.sla_warn_at <= now())::int as sla,
             count(*) filter (where t.status = 'pending')::int as pending
      from tickets t where t.status not in ('solved','closed')`.execute(db);
    return r.rows[0] ?? {};
  },

  async teamCounts(db: Executor): Promise<{ id: string; name: string; count: number }[]> {
    return (await sql<{ id: string; name: string; count: number }>`
      select st.id, st.name, (select count(*)::int from tickets t where t.team_id = st.id and t.status not in ('solved','closed')) as count
      from support_teams st order by lower(st.name)`.execute(db)).rows;
  },

  async tagCounts(db: Executor, limit: number): Promise<{ tag: string; count: number }[]> {
    return (await sql<{ tag: string; count: number }>`
      select tag, count(*)::int as count from tickets t, unnest(t.tags) as tag
      where t.status not in ('solved','closed') group by tag order by count desc, tag limit ${limit}`.execute(db)).rows;
  },

  async views(db: Executor, userId: string | null) {
    return db.selectFrom('ticket_views').selectAll()
      .where((eb) => (userId ? eb.or([eb('user_id', 'is', null), eb('user_id', '=', userId)]) : eb('user_id', 'is', null)))
      .orderBy('position').orderBy('created_at').execute();
  },

  async view(db: Executor, id: string) {
    return db.selectFrom('ticket_views').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async insertView(db: Executor, row: Insertable<TicketViewsTable>) {
    return db.insertInto('ticket_views').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async deleteView(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('ticket_views').where('id', '=', id).execute();
  },

  async ticketStatus(db: Executor, id: string) {
    return db.selectFrom('tickets').select(['id', 'status', 'number']).where('id', '=', id).executeTakeFirst();
  },

  async notifications(db: Executor, userId: string, limit: number) {
    const rows = await db.selectFrom('support_notifications').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').limit(limit).execute();
    const unread = await db.selectFrom('support_notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirstOrThrow();
    return { rows, unread: Number(unread.n) };
  },

  async markRead(db: Executor, userId: string, which: string[] | 'all'): Promise<void> {
    if (which !== 'all' && !which.length) return;
    let q = db.updateTable('support_notifications').set({ read_at: new Date() }).where('user_id', '=', userId).where('read_at', 'is', null);
    if (which !== 'all') q = q.where('id', 'in', which);
    await q.execute();
  },
};
