import { sql } from 'kysely';
import type { Activities } from '../../platform/activities/activities.ts';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import type { Db, Tx } from '../../platform/db/db.ts';
import { notFound } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import type { BusinessCalendar } from './hours.ts';
import type { LiveHub } from './live.hub.ts';
import { computeClock, type Clock, type TargetClock } from './sla.clock.ts';
import { targetsFor, type SlaConfig } from './sla.config.ts';
import { slaRepo, type ClockTicket, type StatusEvent, type TicketSlaRow } from './sla.repo.ts';
import type { AtRisk, TargetState, TicketSla } from './sla.schemas.ts';

const MIN = 60_000;
type Kind = 'first_response' | 'resolution';
const LABEL: Record<Kind, string> = { first_response: 'first response', resolution: 'resolution' };

/**
 * Each ticket's SLA clock: the policy chosen when the ticket is created (and again when its priority changes),
 * due times kept on the ticket for the inbox, the countdown the ticket view shows, and the breach job that warns
 * and notifies once per target. Rules: sla.clock.ts and docs/support.md.
 */
export class SlaService {
  private readonly db: Db;
  private readonly config: SlaConfig;
  private readonly activities: Activities;
  private readonly live: LiveHub;

  constructor(db: Db, config: SlaConfig, activities: Activities, live: LiveHub) {
    this.db = db;
    this.config = config;
    this.activities = activities;
    this.live = live;
  }

  private clockOf(t: ClockTicket, events: StatusEvent[], s: Pick<TicketSlaRow, 'first_response_target' | 'resolution_target'>, cal: BusinessCalendar, now: Date): Clock {
    return computeClock(cal, {
      createdAt: t.created_at, status: t.status, firstResponseAt: t.first_response_at, solvedAt: t.solved_at, events,
      firstResponseTarget: s.first_response_target, resolutionTarget: s.resolution_target,
    }, now);
  }

  /**
   * Recomputes a ticket's clock inside the writing transaction (ticket listeners call it after every
   * creation, change and message). Idempotent: the result depends only on the ticket and its history.
   */
  async sync(tx: Tx, ticketId: string, now = new Date()): Promise<void> {
    const state = await slaRepo.clockState(tx, ticketId, true);
    if (!state) return;
    const { ticket: t, events, sla: prev } = state;
    let policy: { id: string | null; name: string | null; calendarId: string | null; fr: number | null; res: number | null };
    if (prev && prev.priority === t.priority) {
      policy = { id: prev.policy_id, name: prev.policy_name, calendarId: prev.calendar_id, fr: prev.first_response_target, res: prev.resolution_target };
    } else {
      const p = await this.config.choose(tx, t);
      const tg = p ? targetsFor(p.targets, t.priority) : { firstResponse: null, resolution: null };
      policy = { id: p?.id ?? null, name: p?.name ?? null, calendarId: p?.calendarId ?? null, fr: tg.firstResponse, res: tg.resolution };
    }
    const { id: calendarId, cal } = await this.config.businessCalendar(tx, policy.calendarId);
    // Targets are kept on the clock even without a policy (null), so reports can still measure business time.
    const c = this.clockOf(t, events, { first_response_target: policy.fr, resolution_target: policy.res }, cal, now);
    const measured = policy.fr && policy.res ? c : this.clockOf(t, events, { first_response_target: 1, resolution_target: 1 }, cal, now);
    const retarget = !!prev && (prev.first_response_target !== policy.fr || prev.resolution_target !== policy.res);
    const breachedAt = (tc: TargetClock | null, was: Date | null | undefined) => (tc?.met === false ? (was && !retarget ? was : tc.dueAt) : tc?.met === true ? null : retarget ? null : (was ?? null));
    await slaRepo.saveSla(tx, {
      ticket_id: t.id, policy_id: policy.id, policy_name: policy.name, calendar_id: calendarId, priority: t.priority,
      first_response_target: policy.fr, resolution_target: policy.res, paused_at: c.pausedAt, paused_ms: Math.round(c.pausedMs),
      first_response_due_at: c.firstResponse?.dueAt ?? null, resolution_due_at: c.resolution?.dueAt ?? null,
      first_response_warn_at: c.firstResponse?.warnAt ?? null, resolution_warn_at: c.resolution?.warnAt ?? null,
      first_response_ms: roundOrNull(measured.firstResponse?.achievedMs), resolution_ms: roundOrNull(measured.resolution?.achievedMs),
      first_response_breached_at: breachedAt(c.firstResponse, prev?.first_response_breached_at), resolution_breached_at: breachedAt(c.resolution, prev?.resolution_breached_at),
      first_response_warned: retarget ? false : (prev?.first_response_warned ?? false), resolution_warned: retarget ? false : (prev?.resolution_warned ?? false),
    });
    const open = (tc: TargetClock | null) => (tc && tc.achievedMs === null && !c.pausedAt ? tc.dueAt : null);
    await slaRepo.setTicketDeadlines(tx, t.id, { policyId: policy.id, firstDue: open(c.firstResponse), resolutionDue: open(c.resolution), due: c.nextDue, warn: c.nextWarn });
  }

  /** Recomputes the clocks of open tickets on a calendar (after its hours or holidays changed), in batches. */
  async resyncCalendar(calendarId: string): Promise<number> {
    let after = '00000000-0000-0000-0000-000000000000';
    let n = 0;
    for (;;) {
      const ids = await slaRepo.openOnCalendar(this.db, calendarId, after, 200);
      if (!ids.length) return n;
      for (const id of ids) await this.db.transaction().execute((tx) => this.sync(tx, id));
      n += ids.length;
      after = ids.at(-1)!;
    }
  }

  /** The countdown of one ticket (GET /api/support/tickets/:id/sla). */
  async ticketSla(ticketId: string, now = new Date()): Promise<TicketSla> {
    const loaded = await slaRepo.clockState(this.db, ticketId, false);
    if (!loaded) throw notFound(`No ticket ${ticketId}.`);
    const { ticket: t, events, sla: s } = loaded;
    const { name, cal } = await this.config.businessCalendar(this.db, s?.calendar_id ?? null);
    if (!s || (!s.first_response_target && !s.resolution_target)) {
      return { ticketId, policyId: s?.policy_id ?? null, policyName: s?.policy_name ?? null, calendarName: name, paused: !!s?.paused_at, firstResponse: null, resolution: null };
    }
    const c = this.clockOf(t, events, s, cal, now);
    const state = (tc: TargetClock | null): TargetState | null => {
      if (!tc) return null;
      const achievedMinutes = tc.achievedMs === null ? null : Math.round(tc.achievedMs / MIN);
      if (tc.achievedMs !== null) return { targetMinutes: tc.target, dueAt: tc.dueAt, remainingMinutes: null, state: tc.met ? 'met' : 'missed', achievedMinutes };
      if (c.pausedAt) return { targetMinutes: tc.target, dueAt: null, remainingMinutes: Math.round(tc.target - (cal.between(t.created_at, c.pausedAt) - (c.pausedMs - cal.between(c.pausedAt, now))) / MIN), state: 'paused', achievedMinutes };
      const left = now < tc.dueAt ? cal.between(now, tc.dueAt) : -cal.between(tc.dueAt, now);
      return { targetMinutes: tc.target, dueAt: tc.dueAt, remainingMinutes: Math.round(left / MIN), state: left <= 0 ? 'breached' : now >= tc.warnAt ? 'at_risk' : 'running', achievedMinutes };
    };
    return { ticketId, policyId: s.policy_id, policyName: s.policy_name, calendarName: name, paused: !!c.pausedAt, firstResponse: state(c.firstResponse), resolution: state(c.resolution) };
  }

  /** The "SLA at risk" list: open tickets whose next deadline has less than a quarter of its time left or has passed. */
  async atRisk(now = new Date(), limit = 50): Promise<AtRisk> {
    const rows = await slaRepo.atRisk(this.db, now, limit);
    return { items: rows.map((r) => ({
      ticketId: r.id, number: r.number, subject: r.subject, status: r.status, priority: r.priority, assigneeName: r.assignee_name, teamName: r.team_name,
      target: r.fr_open ? 'first_response' as const : 'resolution' as const, dueAt: r.due, breached: r.due <= now,
    })) };
  }

  /**
   * The breach job (every minute): marks targets newly at risk or past due, set-based, each exactly once
   * (the marking UPDATE is the claim), and notifies the assignee, else the team's members, in the same transaction.
   */
  async checkBreaches(now = new Date(), limit = 500): Promise<{ warned: number; breached: number }> {
    return this.db.transaction().execute(async (tx) => {
      let warned = 0;
      let breached = 0;
      for (const kind of ['first_response', 'resolution'] as const) {
        const w = await sql<Hit>`
          update ticket_sla s set ${sql.ref(`${kind}_warned`)} = true, updated_at = now()
          from tickets t where t.id = s.ticket_id and s.ticket_id in (
            select x.ticket_id from ticket_sla x where not x.${sql.ref(`${kind}_warned`)} and x.${sql.ref(`${kind}_ms`)} is null and x.paused_at is null
              and x.${sql.ref(`${kind}_warn_at`)} <= ${now} and x.${sql.ref(`${kind}_due_at`)} > ${now} order by x.${sql.ref(`${kind}_warn_at`)} limit ${limit} for update skip locked)
            and t.status not in ('solved','closed')
          returning t.id, t.number, t.subject, t.customer_id, t.assignee_id, t.team_id, s.${sql.ref(`${kind}_due_at`)} as due_at`.execute(tx);
        await this.notify(tx, w.rows, kind, 'at_risk');
        warned += w.rows.length;
        const b = await sql<Hit>`
          update ticket_sla s set ${sql.ref(`${kind}_breached_at`)} = s.${sql.ref(`${kind}_due_at`)}, ${sql.ref(`${kind}_warned`)} = true, updated_at = now()
          from tickets t where t.id = s.ticket_id and s.ticket_id in (
            select x.ticket_id from ticket_sla x where x.${sql.ref(`${kind}_breached_at`)} is null and x.${sql.ref(`${kind}_ms`)} is null and x.paused_at is null
              and x.${sql.ref(`${kind}_due_at`)} <= ${now} order by x.${sql.ref(`${kind}_due_at`)} limit ${limit} for update skip locked)
            and t.status not in ('solved','closed')
          returning t.id, t.number, t.subject, t.customer_id, t.assignee_id, t.team_id, s.${sql.ref(`${kind}_due_at`)} as due_at`.execute(tx);
        await this.notify(tx, b.rows, kind, 'breached');
        breached += b.rows.length;
      }
      return { warned, breached };
    });
  }

  /** Notifies a batch of newly warned or breached targets: one insert per table, the live pushes after. */
  private async notify(tx: Tx, hits: Hit[], kind: Kind, what: 'at_risk' | 'breached'): Promise<void> {
    if (!hits.length) return;
    const teamIds = [...new Set(hits.filter((h) => !h.assignee_id && h.team_id).map((h) => h.team_id!))];
    const members = teamIds.length ? (await sql<{ team_id: string; user_id: string }>`select team_id, user_id from support_team_members where team_id = any(${teamIds}::uuid[])`.execute(tx)).rows : [];
    const type = what === 'breached' ? 'sla_breach' : 'sla_warning';
    const now = new Date();
    const notes: { id: string; user_id: string; type: string; ticket_id: string; message_id: null; text: string; read_at: null; created_at: Date }[] = [];
    for (const h of hits) {
      const text = what === 'breached'
        ? `SLA breached: the ${LABEL[kind]} of ticket #${h.number} was due ${h.due_at.toISOString().slice(0, 16).replace('T', ' ')} UTC (${h.subject})`
        : `SLA at risk: less than a quarter of the ${LABEL[kind]} time is left on ticket #${h.number} (${h.subject})`;
      const users = h.assignee_id ? [h.assignee_id] : members.filter((m) => m.team_id === h.team_id).map((m) => m.user_id);
      for (const userId of users) notes.push({ id: newId(), user_id: userId, type, ticket_id: h.id, message_id: null, text, read_at: null, created_at: now });
    }
    if (notes.length) await tx.insertInto('support_notifications').values(notes).execute();
    await tx.insertInto('ticket_events').values(hits.map((h) => ({
      id: newId(), ticket_id: h.id, type: 'sla', actor_type: SYSTEM_ACTOR.type, actor_id: null, actor_label: 'SLA', data: JSON.stringify({ target: kind, state: what, dueAt: h.due_at }),
    }))).execute();
    if (what === 'breached') {
      await this.activities.append(tx, hits.map((h) => ({
        customerId: h.customer_id, type: 'Ticket SLA Breached', source: 'system', occurredAt: h.due_at, dedupeKey: `sla-breach:${h.id}:${kind}`,
        properties: { ticketId: h.id, number: h.number, target: kind, dueAt: h.due_at.toISOString() },
      })));
    }
    // Delivered when the transaction commits (pg_notify), to each agent's bell and each open ticket view.
    for (const n of notes) await this.live.publish(`user:${n.user_id}`, { type: 'notification', kind: type, ticketId: n.ticket_id, text: n.text }, tx);
    for (const h of hits) await this.live.publish(`ticket:${h.id}`, { type: 'ticket.updated', ticketId: h.id, changed: ['sla'] }, tx);
  }
}

interface Hit { id: string; number: number; subject: string; customer_id: string; assignee_id: string | null; team_id: string | null; due_at: Date }

const roundOrNull = (n: number | null | undefined) => (n === null || n === undefined ? null : Math.round(n));
