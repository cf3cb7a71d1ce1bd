import { createHash } from 'node:crypto';
import { zonedToUtc, zoneOr } from '../../platform/zoned.ts';
import type { AbMetric, Schedule } from './campaigns.schemas.ts';

/**
 * The rules of sending a campaign, as pure functions: who is in the A/B test and with which
 * variant, when each recipient's message may leave (schedule, local time, throttle), and which
 * variant won. Everything here is deterministic so a retried job plans exactly the same send.
 */

/** The latest zone on Earth (UTC−12): once the local time has passed there, it has passed everywhere. */
const LAST_ZONE = 'Etc/GMT+12';
/** Local-time sends start this long before the earliest recipient's time, so freezing the audience never delays them. */
export const LOCAL_START_LEAD_MS = 10 * 60_000;

export const variantKey = (i: number): string => String.fromCharCode(65 + i);

/** A stable pseudo-random rank of a customer within a campaign (the same on every run). */
function rank(campaignId: string, customerId: string): string {
  return createHash('sha256').update(`${campaignId}:${customerId}`).digest('hex').slice(0, 16);
}

export interface Split {
  /** Test recipients and their variant, in send order. */
  test: { customerId: string; variant: string }[];
  /** Held back until the winner is known. */
  held: string[];
}

/**
 * Splits an audience for an A/B test: `testPercent` of it (at least one per variant) in random
 * order seeded by the campaign id, shared evenly (counts differ by at most one) among the variants;
 * the rest is held. Without a test, everyone is "test" with no variant.
 */
export function splitAudience(campaignId: string, customerIds: readonly string[], ab: { variants: unknown[]; testPercent: number } | null): Split {
  if (!ab) return { test: customerIds.map((customerId) => ({ customerId, variant: '' })), held: [] };
  const ordered = customerIds.map((id) => ({ id, r: rank(campaignId, id) })).sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : a.id < b.id ? -1 : 1));
  const k = ab.variants.length;
  const n = ordered.length;
  const t = ab.testPercent >= 100 ? n : Math.min(n, Math.max(k, Math.round((n * ab.testPercent) / 100)));
  return {
    test: ordered.slice(0, t).map((o, i) => ({ customerId: o.id, variant: variantKey(i % k) })),
    held: ordered.slice(t).map((o) => o.id),
  };
}

/** The instant a local-time campaign reaches a recipient in `zone`. */
export function localSendAt(date: string, time: string, zone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return zonedToUtc({ year, month, day, hour, minute }, zone);
}

/** Why a schedule cannot be used now (a time in the past), or null. */
export function scheduleProblem(s: Schedule, now: Date): string | null {
  if (s.mode === 'at' && new Date(s.sendAt).getTime() < now.getTime() - 60_000) {
    return `The send time ${s.sendAt} is in the past. Choose a later time, or send now.`;
  }
  if (s.mode === 'local' && localSendAt(s.date, s.time, LAST_ZONE).getTime() < now.getTime()) {
    return `${s.time} on ${s.date} has already passed in every time zone. Choose a later date, or send now.`;
  }
  return null;
}

/**
 * When the start job freezes the audience: now, the chosen moment, or (local time) a little before
 * the earliest recipient's zone reaches the time. `zones` are the zones of the audience as known when
 * scheduling; someone in an even earlier zone who joins later gets the message when the campaign starts.
 */
export function startAtFor(s: Schedule, now: Date, zones: readonly string[], storeZone: string): Date {
  if (s.mode === 'now') return now;
  if (s.mode === 'at') return new Date(Math.max(now.getTime(), new Date(s.sendAt).getTime()));
  let earliest = localSendAt(s.date, s.time, storeZone).getTime();
  for (const z of new Set(zones)) earliest = Math.min(earliest, localSendAt(s.date, s.time, zoneOr(z, storeZone)).getTime());
  return new Date(Math.max(now.getTime(), earliest - LOCAL_START_LEAD_MS));
}

export interface Planned {
  customerId: string;
  sendAfter: Date;
}

/**
 * When each recipient's message may leave. The base time is now, the chosen moment, or the local
 * time on the date in the recipient's zone (the store's when unknown or invalid) — never before now:
 * where the local time has already passed when the campaign starts, the message goes at once.
 * A throttle then spreads messages evenly, `3600 / perHour` seconds apart, in order of base time,
 * so no hour ever holds more than `perHour`.
 */
export function planSendTimes(
  recipients: readonly { customerId: string; timeZone: string | null }[],
  s: Schedule,
  opts: { now: Date; storeZone: string; throttlePerHour: number | null },
): Planned[] {
  const now = opts.now.getTime();
  const fixed = s.mode === 'now' ? now : s.mode === 'at' ? Math.max(now, new Date(s.sendAt).getTime()) : null;
  // Local times repeat per zone: one conversion per zone, not per recipient.
  const byZone = new Map<string, number>();
  const baseOf = (tz: string | null): number => {
    if (fixed !== null || s.mode !== 'local') return fixed ?? now;
    const zone = zoneOr(tz, opts.storeZone);
    let t = byZone.get(zone);
    if (t === undefined) byZone.set(zone, (t = Math.max(now, localSendAt(s.date, s.time, zone).getTime())));
    return t;
  };
  const planned = recipients.map((r, i) => ({ customerId: r.customerId, at: baseOf(r.timeZone), i }));
  if (!opts.throttlePerHour) return planned.map((p) => ({ customerId: p.customerId, sendAfter: new Date(p.at) }));
  planned.sort((a, b) => a.at - b.at || a.i - b.i);
  const gap = 3_600_000 / opts.throttlePerHour;
  let next = -Infinity;
  return planned.map((p) => {
    const at = Math.max(p.at, next);
    next = at + gap;
    return { customerId: p.customerId, sendAfter: new Date(Math.round(at)) };
  });
}

export interface VariantResult {
  key: string;
  sent: number;
  opened: number;
  clicked: number;
  revenueMinor: number;
}

/**
 * The winning variant: the highest rate of the metric per message sent (unique opens, unique
 * clicks, or attributed revenue per recipient). Ties, and a test where nothing happened, go to the
 * first variant (A), the control.
 */
export function chooseWinner(results: readonly VariantResult[], metric: AbMetric): string {
  const value = (r: VariantResult) => (metric === 'opens' ? r.opened : metric === 'clicks' ? r.clicked : r.revenueMinor);
  let best = results[0];
  if (!best) throw new Error('chooseWinner needs at least one variant');
  for (const r of results.slice(1)) {
    // a/b > c/d as a·d > c·b: exact on integers; a variant that sent nothing scores 0.
    const score = r.sent > 0 ? value(r) : 0;
    const bestScore = best.sent > 0 ? value(best) : 0;
    if (score * Math.max(best.sent, 1) > bestScore * Math.max(r.sent, 1)) best = r;
  }
  return best.key;
}
