import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import type { SlaPoliciesTable, SupportCalendarsTable, TicketSlaTable } from './sla.tables.ts';

export type CalendarRow = Selectable<SupportCalendarsTable>;
export type PolicyRow = Selectable<SlaPoliciesTable> & { calendar_name: string | null; segment_name: string | null };
export type TicketSlaRow = Selectable<TicketSlaTable>;

/** The ticket fields an SLA clock is computed from. */
export interface ClockTicket {
  id: string;
  number: number;
  subject: string;
  status: string;
  priority: string;
  channel: string;
  customer_id: string;
  assignee_id: string | null;
  team_id: string | null;
  created_at: Date;
  first_response_at: Date | null;
  solved_at: Date | null;
}

/** SQL of calendars, SLA policies and tickets' SLA clocks. */
export const slaRepo = {
  calendars: (db: Executor): Promise<CalendarRow[]> => db.selectFrom('support_calendars').selectAll().orderBy('is_default', 'desc').orderBy('name').execute(),
  calendar: (db: Executor, id: string) => db.selectFrom('support_calendars').selectAll().where('id', '=', id).executeTakeFirst(),
  defaultCalendar: (db: Executor) => db.selectFrom('support_calendars').selectAll().orderBy('is_default', 'desc').orderBy('created_at').limit(1).executeTakeFirst(),
  async insertCalendar(db: Executor, row: Insertable<SupportCalendarsTable>): Promise<void> {
    if (row.is_default) await db.updateTable('support_calendars').set({ is_default: false }).where('is_default', '=', true).execute();
    await db.insertInto('support_calendars').values(row).execute();
  },
  async updateCalendar(db: Executor, id: string, set: Updateable<SupportCalendarsTable>): Promise<void> {
    if (set.is_default) await db.updateTable('support_calendars').set({ is_default: false }).where('is_default', '=', true).where('id', '<>', id).execute();
    await db.updateTable('support_calendars').set({ ...set, updated_at: new Date() }).where('id', '=', id).execute();
  },
  deleteCalendar: (db: Executor, id: string) => db.deleteFrom('support_calendars').where('id', '=', id).executeTakeFirst(),
  calendarNameTaken: async (db: Executor, name: string, exceptId?: string) =>
    !!(await db.selectFrom('support_calendars').select('id').where(sql<boolean>`lower(name) = lower(${name})`).$if(!!exceptId, (q) => q.where('id', '<>', exceptId!)).executeTakeFirst()),
  policiesUsing: (db: Executor, calendarId: string) => db.selectFrom('sla_policies').select('name').where('calendar_id', '=', calendarId).execute(),

  async policies(db: Executor): Promise<PolicyRow[]> {
    return db.selectFrom('sla_policies as p').selectAll('p')
      .select([
        sql<string | null>`(select c.name from support_calendars c where c.id = p.calendar_id)`.as('calendar_name'),
        sql<string | null>`(select s.name from segments s where s.id = p.segment_id)`.as('segment_name'),
      ])
      .orderBy('p.position').orderBy('p.created_at').execute();
  },
  async policy(db: Executor, id: string): Promise<PolicyRow | undefined> {
    return (await slaRepo.policies(db)).find((p) => p.id === id);
  },
  insertPolicy: (db: Executor, row: Insertable<SlaPoliciesTable>) => db.insertInto('sla_policies').values(row).execute(),
  updatePolicy: (db: Executor, id: string, set: Updateable<SlaPoliciesTable>) => db.updateTable('sla_policies').set({ ...set, updated_at: new Date() }).where('id', '=', id).execute(),
  deletePolicy: (db: Executor, id: string) => db.deleteFrom('sla_policies').where('id', '=', id).executeTakeFirst(),
  policyNameTaken: async (db: Executor, name: string, exceptId?: string) =>
    !!(await db.selectFrom('sla_policies').select('id').where(sql<boolean>`lower(name) = lower(${name})`).$if(!!exceptId, (q) => q.where('id', '<>', exceptId!)).executeTakeFirst()),
  nextPosition: async (db: Executor) => Number((await sql<{ n: number }>`select coalesce(max(position), -1) + 1 as n from sla_policies`.execute(db)).rows[0]?.n ?? 0),
  segmentExists: async (db: Executor, id: string) => !!(await db.selectFrom('segments').select('id').where('id', '=', id).executeTakeFirst()),
  async inSegment(db: Executor, customerId: string, segmentId: string): Promise<boolean> {
    const r = await sql`select 1 from segment_members where customer_id = ${customerId}::uuid and segment_id = ${segmentId}::uuid`.execute(db);
    return r.rows.length > 0;
  },

  async saveSla(db: Executor, row: Insertable<TicketSlaTable>): Promise<void> {
    const { ticket_id: _id, ...set } = row;
    await db.insertInto('ticket_sla').values(row).onConflict((oc) => oc.column('ticket_id').doUpdateSet({ ...set, updated_at: new Date() })).execute();
  },
  /** The deadlines the inbox reads (tickets' SLA columns, migration 0020 + sla_warn_at of 0024). */
  async setTicketDeadlines(db: Executor, id: string, d: { policyId: string | null; firstDue: Date | null; resolutionDue: Date | null; due: Date | null; warn: Date | null }): Promise<void> {
    await sql`update tickets set sla_policy_id = ${d.policyId}, sla_first_response_due_at = ${d.firstDue}, sla_resolution_due_at = ${d.resolutionDue},
      sla_due_at = ${d.due}, sla_warn_at = ${d.warn} where id = ${id}::uuid
      and (sla_policy_id, sla_first_response_due_at, sla_resolution_due_at, sla_due_at, sla_warn_at) is distinct from
          (${d.policyId}::uuid, ${d.firstDue}::timestamptz, ${d.resolutionDue}::timestamptz, ${d.due}::timestamptz, ${d.warn}::timestamptz)`.execute(db);
  },

  /** Open, unpaused tickets whose next deadline is at risk (sla_warn_at passed), soonest deadline first. */
  async atRisk(db: Executor, now: Date, limit: number) {
    const r = await sql<{ id: string; number: number; subject: string; status: string; priority: string; assignee_name: string | null; team_name: string | null; due: Date; fr_open: boolean }>`
      select t.id, t.number, t.subject, t.status, t.priority, t.sla_due_at as due,
        (t.sla_first_response_due_at is not null and t.sla_first_response_due_at = t.sla_due_at) as fr_open,
        (select coalesce(nullif(u.name,''), u.email) from users u where u.id = t.assignee_id) as assignee_name,
        (select st.name from support_teams st where st.id = t.team_id) as team_name
      from tickets t
      where t.sla_warn_at <= ${now} and t.sla_due_at is not null and t.status not in ('solved','closed') and t.merged_into is null
      order by t.sla_due_at, t.id limit ${limit}`.execute(db);
    return r.rows;
  },

  /** Open tickets whose clock counts in this calendar, after `afterId` (keyset batches). */
  async openOnCalendar(db: Executor, calendarId: string, afterId: string, limit: number): Promise<string[]> {
    const r = await sql<{ ticket_id: string }>`
      select s.ticket_id from ticket_sla s join tickets t on t.id = s.ticket_id
      where s.calendar_id = ${calendarId}::uuid and t.status not in ('solved','closed') and s.ticket_id > ${afterId}::uuid
      order by s.ticket_id limit ${limit}`.execute(db);
    return r.rows.map((x) => x.ticket_id);
  },

  /**
   * Everything a clock is computed from, in one round trip: the ticket (locked when `lock`: ticket writes
   * hold that lock already, so concurrent recomputes of one ticket serialise), its status history and its clock row.
   */
  async clockState(db: Executor, id: string, lock: boolean): Promise<{ ticket: ClockTicket; events: StatusEvent[]; sla: PrevSla | undefined } | undefined> {
    const r = await sql<ClockTicket & { events: { at: string; from: string | null; to: string }[]; sla: Record<string, unknown> | null }>`
      select t.id, t.number, t.subject, t.status, t.priority, t.channel, t.customer_id, t.assignee_id, t.team_id, t.created_at, t.first_response_at, t.solved_at,
        (select coalesce(json_agg(json_build_object('at', e.created_at, 'from', e.data->>'from', 'to', e.data->>'to') order by e.created_at, e.id), '[]'::json)
           from ticket_events e where e.ticket_id = t.id and e.type = 'status') as events,
        (select row_to_json(s) from ticket_sla s where s.ticket_id = t.id) as sla
      from tickets t where t.id = ${id}::uuid ${lock ? sql`for update of t` : sql``}`.execute(db);
    const row = r.rows[0];
    if (!row) return undefined;
    const { events, sla, ...ticket } = row;
    const date = (v: unknown) => (typeof v === 'string' ? new Date(v) : null);
    return {
      ticket,
      events: events.map((e) => ({ at: new Date(e.at), from: e.from, to: e.to })),
      sla: sla ? {
        policy_id: sla.policy_id as string | null, policy_name: sla.policy_name as string | null, calendar_id: sla.calendar_id as string | null, priority: sla.priority as string,
        first_response_target: sla.first_response_target as number | null, resolution_target: sla.resolution_target as number | null, paused_at: date(sla.paused_at),
        first_response_breached_at: date(sla.first_response_breached_at), resolution_breached_at: date(sla.resolution_breached_at),
        first_response_warned: sla.first_response_warned === true, resolution_warned: sla.resolution_warned === true,
      } : undefined,
    };
  },
};

export interface StatusEvent { at: Date; from: string | null; to: string }
export type PrevSla = Pick<TicketSlaRow, 'policy_id' | 'policy_name' | 'calendar_id' | 'priority' | 'first_response_target' | 'resolution_target' | 'paused_at'
  | 'first_response_breached_at' | 'resolution_breached_at' | 'first_response_warned' | 'resolution_warned'>;
