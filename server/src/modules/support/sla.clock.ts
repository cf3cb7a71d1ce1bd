import type { BusinessCalendar } from './hours.ts';

/**
 * A ticket's SLA clock, computed from scratch from the ticket and its status history (pure; sla.service.ts
 * stores the result). Recomputing instead of updating counters keeps it right whatever order events arrive in,
 * and makes a retried or replayed write harmless.
 *
 * Rules (docs/support.md, "SLA, CSAT and reports"):
 * - the clock runs in the business hours of the calendar from the ticket's creation;
 * - it stands still while the ticket is pending (waiting for the customer), on hold, solved or closed, and both
 *   targets pause: neither can be breached while the ticket is not the team's to move;
 * - first response is achieved by the first public agent reply (tickets.first_response_at), resolution by solving;
 *   a reopened ticket's resolution clock runs on from where it stopped;
 * - a target is at risk once 75 % of it is used (less than 25 % left).
 */

export const PAUSED_STATUSES = new Set(['pending', 'on_hold', 'solved', 'closed']);
export const AT_RISK_SHARE = 0.75;
const MIN = 60_000;

export interface ClockInput {
  createdAt: Date;
  status: string;
  firstResponseAt: Date | null;
  solvedAt: Date | null;
  /** Status changes in order (ticket_events type 'status'). */
  events: { at: Date; from: string | null; to: string }[];
  firstResponseTarget: number | null;
  resolutionTarget: number | null;
}

export interface TargetClock {
  target: number;
  /** When the target is (or was) due; while paused, when it would be due if the clock ran on now. */
  dueAt: Date;
  warnAt: Date;
  /** Business ms used until achieved; null while open. */
  achievedMs: number | null;
  met: boolean | null;
}

export interface Clock {
  pausedAt: Date | null;
  pausedMs: number;
  firstResponse: TargetClock | null;
  resolution: TargetClock | null;
  /** The next open deadline and when it is at risk (null when paused or nothing open). */
  nextDue: Date | null;
  nextWarn: Date | null;
}

/** Pause intervals [start, end|null] from the status history. */
export function pauses(i: Pick<ClockInput, 'createdAt' | 'status' | 'events'>): [Date, Date | null][] {
  const out: [Date, Date | null][] = [];
  let status = i.events[0]?.from ?? i.status;
  let since = i.createdAt;
  for (const e of i.events) {
    if (PAUSED_STATUSES.has(status) && !PAUSED_STATUSES.has(e.to)) out.push([since, e.at]);
    if (!PAUSED_STATUSES.has(status) && PAUSED_STATUSES.has(e.to)) since = e.at;
    status = e.to;
  }
  if (PAUSED_STATUSES.has(status)) out.push([since, null]);
  return out;
}

export function computeClock(cal: BusinessCalendar, i: ClockInput, now: Date): Clock {
  const ps = pauses(i);
  const pausedBefore = (t: Date) => ps.reduce((sum, [s, e]) => sum + cal.between(s < i.createdAt ? i.createdAt : s, e && e < t ? e : t), 0);
  const work = (t: Date) => Math.max(0, cal.between(i.createdAt, t) - pausedBefore(t));
  const open = ps.find(([, e]) => e === null);
  const pausedAt = open ? open[0] : null;
  const pausedMs = pausedBefore(pausedAt ?? now) + (pausedAt ? cal.between(pausedAt, now) : 0);

  const target = (minutes: number | null, achievedAt: Date | null): TargetClock | null => {
    if (!minutes) return null;
    const dueAt = cal.add(i.createdAt, minutes + pausedMs / MIN);
    const warnAt = cal.add(i.createdAt, minutes * AT_RISK_SHARE + pausedMs / MIN);
    const achievedMs = achievedAt ? work(achievedAt) : null;
    return { target: minutes, dueAt, warnAt, achievedMs, met: achievedMs === null ? null : achievedMs <= minutes * MIN };
  };
  const solved = i.status === 'solved' || i.status === 'closed';
  const firstResponse = target(i.firstResponseTarget, i.firstResponseAt);
  // Solved: resolution time is the work done until the clock stopped (a pending spell just before solving is not work).
  const resolution = target(i.resolutionTarget, solved ? (pausedAt ?? i.solvedAt ?? now) : null);
  const running = [firstResponse, resolution].filter((t): t is TargetClock => !!t && t.achievedMs === null);
  const next = pausedAt ? undefined : running.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())[0];
  return { pausedAt, pausedMs, firstResponse, resolution, nextDue: next?.dueAt ?? null, nextWarn: next?.warnAt ?? null };
}

/** Business ms from `from` to the ticket's first response / resolution when there is no policy (reports). */
export function achievedWork(cal: BusinessCalendar, i: Omit<ClockInput, 'firstResponseTarget' | 'resolutionTarget'>, now: Date): { firstResponseMs: number | null; resolutionMs: number | null } {
  const c = computeClock(cal, { ...i, firstResponseTarget: 1, resolutionTarget: 1 }, now);
  return { firstResponseMs: c.firstResponse?.achievedMs ?? null, resolutionMs: c.resolution?.achievedMs ?? null };
}
