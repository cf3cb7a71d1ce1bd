import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';

/** A report's window [start, end) and scope. */
export interface Window {
  start: Date;
  end: Date;
  timeZone: string;
  teamId?: string;
}

/** What the rows are grouped by: nothing (totals), the assignee or the team. */
export type GroupBy = 'none' | 'agent' | 'team';

const keyOf = (g: GroupBy): RawBuilder<string | null> => (g === 'agent' ? sql`t.assignee_id::text` : g === 'team' ? sql`t.team_id::text` : sql`null::text`);
const scope = (w: Window) => (w.teamId ? sql`and t.team_id = ${w.teamId}::uuid` : sql``);
const inRange = (col: RawBuilder<unknown>, w: Window) => sql`${col} >= ${w.start} and ${col} < ${w.end}`;

export interface VolumeRow { k: string | null; created: number; solved: number }
export interface TimeRow { k: string | null; median: number | null; p90: number | null; n: number }
export interface AttainRow { k: string | null; met: number; missed: number }
export interface CsatRow { k: string | null; responses: number; average: number | null; satisfied: number; sent: number }

/** Report SQL: set-based aggregates, percentiles in Postgres (percentile_cont), merged tickets left out. */
export const reportsRepo = {
  async volume(db: Executor, w: Window, g: GroupBy): Promise<VolumeRow[]> {
    const r = await sql<VolumeRow>`
      select ${keyOf(g)} as k,
        count(*) filter (where ${inRange(sql`t.created_at`, w)})::int as created,
        count(*) filter (where ${inRange(sql`t.solved_at`, w)})::int as solved
      from tickets t
      where t.merged_into is null and (${inRange(sql`t.created_at`, w)} or ${inRange(sql`t.solved_at`, w)}) ${scope(w)}
      group by 1`.execute(db);
    return r.rows;
  },

  /** Business minutes to first response (tickets first answered in the window) or to solved (solved in it). */
  async times(db: Executor, w: Window, g: GroupBy, what: 'first_response' | 'resolution'): Promise<TimeRow[]> {
    const at = what === 'first_response' ? sql`t.first_response_at` : sql`t.solved_at`;
    const ms = what === 'first_response' ? sql`s.first_response_ms` : sql`s.resolution_ms`;
    const r = await sql<TimeRow>`
      select ${keyOf(g)} as k,
        percentile_cont(0.5) within group (order by ${ms}) / 60000.0 as median,
        percentile_cont(0.9) within group (order by ${ms}) / 60000.0 as p90,
        count(*)::int as n
      from tickets t join ticket_sla s on s.ticket_id = t.id
      where t.merged_into is null and ${ms} is not null and ${inRange(at, w)} ${scope(w)}
      group by 1`.execute(db);
    return r.rows;
  },

  /**
   * SLA targets met or missed in the window: achieved in it (on time or late), or breached in it and still
   * open. Each target counts once at any moment: a breached target achieved later moves to that later day.
   */
  async attainment(db: Executor, w: Window, g: GroupBy): Promise<AttainRow[]> {
    const r = await sql<AttainRow>`
      select k, count(*) filter (where met)::int as met, count(*) filter (where not met)::int as missed from (
        select ${keyOf(g)} as k, s.first_response_ms <= s.first_response_target * 60000 as met
          from tickets t join ticket_sla s on s.ticket_id = t.id
          where s.first_response_target is not null and s.first_response_ms is not null and ${inRange(sql`t.first_response_at`, w)} and t.merged_into is null ${scope(w)}
        union all
        select ${keyOf(g)}, false from tickets t join ticket_sla s on s.ticket_id = t.id
          where s.first_response_target is not null and s.first_response_ms is null and ${inRange(sql`s.first_response_breached_at`, w)} and t.merged_into is null ${scope(w)}
        union all
        select ${keyOf(g)}, s.resolution_ms <= s.resolution_target * 60000
          from tickets t join ticket_sla s on s.ticket_id = t.id
          where s.resolution_target is not null and s.resolution_ms is not null and ${inRange(sql`t.solved_at`, w)} and t.merged_into is null ${scope(w)}
        union all
        select ${keyOf(g)}, false from tickets t join ticket_sla s on s.ticket_id = t.id
          where s.resolution_target is not null and s.resolution_ms is null and ${inRange(sql`s.resolution_breached_at`, w)} and t.merged_into is null ${scope(w)}
      ) x group by k`.execute(db);
    return r.rows;
  },

  async csat(db: Executor, w: Window, g: GroupBy): Promise<CsatRow[]> {
    const r = await sql<CsatRow>`
      select ${keyOf(g)} as k,
        count(*) filter (where c.rating is not null and ${inRange(sql`c.rated_at`, w)})::int as responses,
        avg(c.rating) filter (where c.rating is not null and ${inRange(sql`c.rated_at`, w)})::float8 as average,
        count(*) filter (where c.rating >= 4 and ${inRange(sql`c.rated_at`, w)})::int as satisfied,
        count(*) filter (where ${inRange(sql`c.sent_at`, w)})::int as sent
      from csat_surveys c join tickets t on t.id = c.ticket_id
      where (${inRange(sql`c.rated_at`, w)} or ${inRange(sql`c.sent_at`, w)}) ${scope(w)}
      group by 1`.execute(db);
    return r.rows;
  },

  /** Tickets created per local day and channel. */
  async daily(db: Executor, w: Window): Promise<{ day: string; channel: string; n: number }[]> {
    const r = await sql<{ day: string; channel: string; n: number }>`
      select to_char(t.created_at at time zone ${w.timeZone}, 'YYYY-MM-DD') as day, t.channel, count(*)::int as n
      from tickets t where t.merged_into is null and ${inRange(sql`t.created_at`, w)} ${scope(w)}
      group by 1, 2 order by 1, 2`.execute(db);
    return r.rows;
  },

  /**
   * Open tickets at the end of each day: those open at the start, plus each day's new ones, minus each
   * day's finished ones (by the current solved/closed time: a reopened ticket counts as open until solved again).
   */
  async backlog(db: Executor, w: Window): Promise<{ base: number; days: { day: string; created: number; done: number }[] }> {
    const base = await sql<{ n: number }>`
      select count(*)::int as n from tickets t
      where t.merged_into is null and t.created_at < ${w.start} and coalesce(t.solved_at, t.closed_at, 'infinity'::timestamptz) >= ${w.start} ${scope(w)}`.execute(db);
    const days = await sql<{ day: string; created: number; done: number }>`
      select day, sum(c)::int as created, sum(d)::int as done from (
        select to_char(t.created_at at time zone ${w.timeZone}, 'YYYY-MM-DD') as day, 1 as c, 0 as d from tickets t
          where t.merged_into is null and ${inRange(sql`t.created_at`, w)} ${scope(w)}
        union all
        select to_char(coalesce(t.solved_at, t.closed_at) at time zone ${w.timeZone}, 'YYYY-MM-DD'), 0, 1 from tickets t
          where t.merged_into is null and ${inRange(sql`coalesce(t.solved_at, t.closed_at)`, w)} ${scope(w)}
      ) x group by day order by day`.execute(db);
    return { base: base.rows[0]?.n ?? 0, days: days.rows };
  },

  async names(db: Executor, g: 'agent' | 'team', ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const r = g === 'agent'
      ? await sql<{ id: string; name: string }>`select id::text, coalesce(nullif(name, ''), email) as name from users where id = any(${ids}::uuid[])`.execute(db)
      : await sql<{ id: string; name: string }>`select id::text, name from support_teams where id = any(${ids}::uuid[])`.execute(db);
    return new Map(r.rows.map((x) => [x.id, x.name]));
  },
};
