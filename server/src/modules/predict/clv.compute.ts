// What the CLV module computes from fitted parameters, as pure functions over grouped customers:
// per-triple predictions for scoring, and the diagnostics the model page draws.
import { conditionalExpected, expectedIfAlive, frequencyPmf, unconditionalExpected, type BgnbdParams } from './bgnbd.ts';

export type TimeUnit = 'day' | 'week';
export const UNIT_DAYS: Record<TimeUnit, number> = { day: 1, week: 7 };
/** The discounting step: one average calendar month. */
const MONTH_DAYS = 365.25 / 12;

export interface TripleGroups {
  x: number[];
  /** Days. */
  tx: number[];
  /** Days. */
  T: number[];
  n: number[];
}

export interface ScoreOptions {
  unit: TimeUnit;
  horizonMonths: number;
  /** Annual rate, e.g. 0.1. */
  discountRate: number;
}

/** Per distinct (x, T): what a customer with x repeat purchases, first bought T days ago, is expected to do if alive. */
export interface ScoredPairs {
  x: number[];
  /** Days. */
  t: number[];
  e30: number[];
  e90: number[];
  e365: number[];
  /** Discounted expected transactions over the horizon (CLV = P(alive) × this × expected order value). */
  disc: number[];
}

/**
 * The ₂F₁-dependent part of the predictions, once per distinct (x, T): expected orders in the next 30/90/365
 * days and the discounted expected orders over the horizon, for a customer still alive. The repo multiplies
 * them by P(alive), which also depends on t_x and is a closed form.
 *
 * CLV uses the discounted-sum approach: Σ_{m=1..H} E[M]·(E[Y(m)] − E[Y(m−1)]) / (1+d)^(m/12), monthly steps of
 * 365.25/12 days, discounting each month's expected orders at the annual rate d (end-of-month convention).
 */
export function scorePairs(p: BgnbdParams, g: { x: ArrayLike<number>; T: ArrayLike<number> }, o: ScoreOptions): ScoredPairs {
  const u = UNIT_DAYS[o.unit];
  const monthly = Math.pow(1 + o.discountRate, 1 / 12);
  const seen = new Set<string>();
  const out: ScoredPairs = { x: [], t: [], e30: [], e90: [], e365: [], disc: [] };
  const fin = (v: number) => (Number.isFinite(v) ? v : 0);
  for (let i = 0; i < g.x.length; i++) {
    const x = g.x[i]!;
    const Td = g.T[i]!;
    const key = `${x}:${Td}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const T = Td / u;
    let disc = 0;
    let prev = 0;
    for (let k = 1; k <= o.horizonMonths; k++) {
      const e = expectedIfAlive(p, (k * MONTH_DAYS) / u, x, T);
      disc += (e - prev) / Math.pow(monthly, k);
      prev = e;
    }
    out.x.push(x);
    out.t.push(Td);
    out.e30.push(fin(expectedIfAlive(p, 30 / u, x, T)));
    out.e90.push(fin(expectedIfAlive(p, 90 / u, x, T)));
    out.e365.push(fin(expectedIfAlive(p, 365 / u, x, T)));
    out.disc.push(fin(disc));
  }
  return out;
}

/**
 * Days from the calibration end until the customer is more likely than not to have ordered again:
 * P(next order by T+s) = P(alive)·(1 − ((α+T)/(α+T+s))^(r+x)) (alive customers cannot drop out before their
 * next purchase in BG/NBD), solved for 1/2. Null when that never happens (P(alive) ≤ ½) or is over ten years away.
 */
export function nextOrderDays(p: BgnbdParams, x: number, T: number, palive: number, unitDays: number): number | null {
  if (!(palive > 0.5)) return null;
  const s = (p.alpha + T) * (Math.pow(1 - 0.5 / palive, -1 / (p.r + x)) - 1);
  const days = Math.ceil(s * unitDays);
  return Number.isFinite(days) && days <= 3650 ? Math.max(days, 1) : null;
}

export interface HistogramBin { x: string; actual: number; expected: number }
export interface TrackingPoint { day: number; actual: number; expected: number }
export interface ConditionalBin { x: string; customers: number; actual: number; expected: number }

const CENSOR = 7;
const label = (k: number) => (k >= CENSOR ? `${CENSOR}+` : String(k));

/** Calibration-period frequency histogram: customers with x = 0 … 6, 7+ repeat transactions, actual vs the model's. */
export function frequencyHistogram(p: BgnbdParams, g: TripleGroups, unit: TimeUnit): HistogramBin[] {
  const u = UNIT_DAYS[unit];
  const actual = new Array<number>(CENSOR + 1).fill(0);
  const byT = new Map<number, number>();
  for (let i = 0; i < g.n.length; i++) {
    actual[Math.min(g.x[i]!, CENSOR)]! += g.n[i]!;
    byT.set(g.T[i]!, (byT.get(g.T[i]!) ?? 0) + g.n[i]!);
  }
  const expected = new Array<number>(CENSOR + 1).fill(0);
  for (const [Td, n] of byT) {
    const pmf = frequencyPmf(p, Td / u, CENSOR + 1);
    pmf.forEach((v, k) => { expected[k]! += n * v; });
  }
  return actual.map((a, k) => ({ x: label(k), actual: a, expected: expected[k]! }));
}

/**
 * Cumulative repeat transactions, actual vs expected, at weekly points from the first customer's first
 * purchase to the end of the data (days relative to the calibration end; the holdout is day > 0).
 * Expected: Σ over first-purchase cohorts of n·E[X(time since their first purchase)].
 */
export function tracking(p: BgnbdParams, cohorts: { daysBefore: number; n: number }[], daily: { day: number; n: number }[], holdoutDays: number, unit: TimeUnit): TrackingPoint[] {
  if (!cohorts.length) return [];
  const u = UNIT_DAYS[unit];
  const start = -Math.max(...cohorts.map((c) => c.daysBefore));
  const weeks = Math.ceil((holdoutDays - start) / 7);
  const step = Math.max(1, Math.ceil(weeks / 260));
  const ex = new Map<number, number>();
  const E = (d: number) => {
    let v = ex.get(d);
    if (v === undefined) { v = unconditionalExpected(p, d / u); ex.set(d, v); }
    return v;
  };
  const sorted = [...daily].sort((a, b) => a.day - b.day);
  const points: TrackingPoint[] = [];
  let j = 0;
  let cum = 0;
  const days: number[] = [];
  for (let k = step; k < weeks; k += step) days.push(start + 7 * k);
  days.push(holdoutDays);
  if (!days.includes(0) && holdoutDays > 0) days.push(0);
  days.sort((a, b) => a - b);
  for (const day of days) {
    while (j < sorted.length && sorted[j]!.day <= day) cum += sorted[j++]!.n;
    let expected = 0;
    for (const c of cohorts) {
      const since = day + c.daysBefore;
      if (since > 0) expected += c.n * E(since);
    }
    points.push({ day, actual: cum, expected });
  }
  return points;
}

/** Holdout transactions per customer by calibration frequency: actual mean vs the model's conditional expectation. */
export function conditionalByFrequency(p: BgnbdParams, g: TripleGroups & { xStar: number[] }, holdoutDays: number, unit: TimeUnit): ConditionalBin[] {
  const u = UNIT_DAYS[unit];
  const n = new Array<number>(CENSOR + 1).fill(0);
  const act = new Array<number>(CENSOR + 1).fill(0);
  const exp = new Array<number>(CENSOR + 1).fill(0);
  for (let i = 0; i < g.n.length; i++) {
    const k = Math.min(g.x[i]!, CENSOR);
    n[k]! += g.n[i]!;
    act[k]! += g.xStar[i]!;
    exp[k]! += g.n[i]! * conditionalExpected(p, holdoutDays / u, g.x[i]!, g.tx[i]! / u, g.T[i]! / u);
  }
  return n.map((c, k) => ({ x: label(k), customers: c, actual: c ? act[k]! / c : 0, expected: c ? exp[k]! / c : 0 })).filter((b) => b.customers > 0);
}
