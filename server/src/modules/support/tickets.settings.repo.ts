import { sql, type Insertable } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import type { TicketFieldDefinitionsTable } from './tickets.tables.ts';

/** SQL of teams, members, agents' availability and custom field definitions. */
export const settingsRepo = {
  async teams(db: Executor) {
    return db.selectFrom('support_teams').selectAll().orderBy(sql`lower(name)`).execute();
  },

  async team(db: Executor, id: string) {
    return db.selectFrom('support_teams').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async members(db: Executor) {
    return (await sql<{ team_id: string; user_id: string; name: string; email: string; available: boolean }>`
      select m.team_id, m.user_id, u.name, u.email, coalesce(a.available, true) as available
      from support_team_members m join users u on u.id = m.user_id left join support_agents a on a.user_id = m.user_id
      where u.status <> 'deactivated' order by lower(coalesce(nullif(u.name, ''), u.email))`.execute(db)).rows;
  },

  /** Open (not solved or closed) tickets per team. */
  async openByTeam(db: Executor): Promise<Map<string, number>> {
    const r = await sql<{ team_id: string; n: number }>`select team_id, count(*)::int as n from tickets where team_id is not null and status not in ('solved','closed') group by team_id`.execute(db);
    return new Map(r.rows.map((x) => [x.team_id, x.n]));
  },

  async teamNameTaken(db: Executor, name: string): Promise<boolean> {
    return !!(await db.selectFrom('support_teams').select('id').where(sql<boolean>`lower(name) = lower(${name})`).executeTakeFirst());
  },

  async insertTeam(db: Executor, id: string, name: string): Promise<void> {
    await db.insertInto('support_teams').values({ id, name }).execute();
  },

  async renameTeam(db: Executor, id: string, name: string): Promise<void> {
    await db.updateTable('support_teams').set({ name, updated_at: new Date() }).where('id', '=', id).execute();
  },

  async deleteTeam(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('support_teams').where('id', '=', id).execute();
  },

  /** Sets a team's members; members who stay keep their round-robin turn. */
  async setMembers(db: Executor, teamId: string, ids: string[]): Promise<void> {
    const unique = [...new Set(ids)];
    await db.deleteFrom('support_team_members').where('team_id', '=', teamId).$if(unique.length > 0, (q) => q.where('user_id', 'not in', unique)).execute();
    if (unique.length) await db.insertInto('support_team_members').values(unique.map((user_id) => ({ team_id: teamId, user_id, last_assigned_at: null }))).onConflict((oc) => oc.doNothing()).execute();
  },

  /** Of these ids, the users who exist and are not deactivated. */
  async usableUserIds(db: Executor, ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    return (await db.selectFrom('users').select('id').where('id', 'in', ids).where('status', '<>', 'deactivated').execute()).map((r) => r.id);
  },

  async agents(db: Executor) {
    return (await sql<{ id: string; name: string; email: string; role: string; available: boolean; team_ids: string[]; open: number }>`
      select u.id, u.name, u.email, u.role, coalesce(a.available, true) as available,
        coalesce((select array_agg(m.team_id) from support_team_members m where m.user_id = u.id), '{}') as team_ids,
        (select count(*)::int from tickets t where t.assignee_id = u.id and t.status not in ('solved','closed')) as open
      from users u left join support_agents a on a.user_id = u.id
      where u.status = 'active' and u.role in ('owner','admin','support')
      order by lower(coalesce(nullif(u.name, ''), u.email))`.execute(db)).rows;
  },

  async setAvailability(db: Executor, userId: string, available: boolean): Promise<void> {
    await db.insertInto('support_agents').values({ user_id: userId, available }).onConflict((oc) => oc.column('user_id').doUpdateSet({ available, updated_at: new Date() })).execute();
  },

  async fields(db: Executor) {
    return db.selectFrom('ticket_field_definitions').selectAll().orderBy('position').orderBy('label').execute();
  },

  async field(db: Executor, id: string) {
    return db.selectFrom('ticket_field_definitions').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async fieldKeyTaken(db: Executor, key: string): Promise<boolean> {
    return !!(await db.selectFrom('ticket_field_definitions').select('id').where('key', '=', key).executeTakeFirst());
  },

  async insertField(db: Executor, row: Insertable<TicketFieldDefinitionsTable>): Promise<void> {
    await db.insertInto('ticket_field_definitions').values(row).execute();
  },

  async deleteField(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('ticket_field_definitions').where('id', '=', id).execute();
  },
};
