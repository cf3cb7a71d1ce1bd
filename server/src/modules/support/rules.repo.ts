import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import type { SupportRulesTable } from './tickets.tables.ts';

export type RuleRow = Selectable<SupportRulesTable>;

/** SQL of rules and round-robin assignment. */
export const rulesRepo = {
  async list(db: Executor): Promise<RuleRow[]> {
    return db.selectFrom('support_rules').selectAll().orderBy('position').orderBy('created_at').execute();
  },

  async get(db: Executor, id: string): Promise<RuleRow | undefined> {
    return db.selectFrom('support_rules').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async insert(db: Executor, row: Insertable<SupportRulesTable>): Promise<RuleRow> {
    return db.insertInto('support_rules').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async update(db: Executor, id: string, set: Updateable<SupportRulesTable>): Promise<RuleRow> {
    return db.updateTable('support_rules').set({ ...set, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },

  async remove(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('support_rules').where('id', '=', id).execute();
  },

  async maxPosition(db: Executor): Promise<number> {
    const r = await db.selectFrom('support_rules').select((eb) => eb.fn.max('position').as('p')).executeTakeFirst();
    return r?.p === null || r?.p === undefined ? -1 : Number(r.p);
  },

  /** Whether a row a rule points at exists (a team, a macro, a segment). */
  async exists(db: Executor, table: 'support_teams' | 'support_macros' | 'segments', id: string): Promise<boolean> {
    return !!(await db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst());
  },

  async activeUser(db: Executor, id: string): Promise<boolean> {
    return !!(await db.selectFrom('users').select('id').where('id', '=', id).where('status', '=', 'active').executeTakeFirst());
  },

  async macro(db: Executor, id: string): Promise<{ id: string; body: string } | undefined> {
    return db.selectFrom('support_macros').select(['id', 'body']).where('id', '=', id).executeTakeFirst();
  },

  /**
   * The segments a customer is in: segments' membership table, read-only, inside the caller's transaction.
   * (SegmentsService.forCustomer reads on a connection of its own: called from inside a ticket's
   * transaction, a burst of inbound mail could take every pooled connection and wait on itself.)
   */
  async segmentIds(db: Executor, customerId: string): Promise<Set<string>> {
    const r = await sql<{ segment_id: string }>`select segment_id from segment_members where customer_id = ${customerId}::uuid`.execute(db);
    return new Set(r.rows.map((x) => x.segment_id));
  },

  /**
   * Picks the team's next agent: an active, available member, the one assigned least recently (never
   * assigned first), and stamps them. The team row is locked first: with only the members' rows locked, two
   * transactions waiting on the same row would both take it after the first commits (ORDER BY … FOR UPDATE
   * does not re-sort), so concurrent tickets would not take turns.
   */
  async nextAgent(db: Executor, teamId: string): Promise<string | undefined> {
    await sql`select 1 from support_teams where id = ${teamId}::uuid for update`.execute(db);
    const r = await sql<{ user_id: string }>`
      with pick as (
        select m.user_id from support_team_members m
        join users u on u.id = m.user_id and u.status = 'active'
        left join support_agents a on a.user_id = m.user_id
        where m.team_id = ${teamId}::uuid and coalesce(a.available, true)
        order by m.last_assigned_at asc nulls first, m.user_id
        limit 1
      )
      update support_team_members m set last_assigned_at = clock_timestamp()
      from pick where m.team_id = ${teamId}::uuid and m.user_id = pick.user_id
      returning m.user_id`.execute(db);
    return r.rows[0]?.user_id;
  },
};
