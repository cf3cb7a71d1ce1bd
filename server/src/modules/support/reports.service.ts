import type { Db } from '../../platform/db/db.ts';
import { badRequest } from '../../platform/http/problem.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { zonedToUtc, zoneOr } from '../../platform/zoned.ts';
import { reportsRepo, type GroupBy, type Window } from './reports.repo.ts';
import type { BreakdownRow, Metrics, Report, ReportQuery } from './reports.schemas.ts';

const MAX_DAYS = 366;
const DAY = 86_400_000;
const round = (n: number | null | undefined, digits = 1) => (n === null || n === undefined ? null : Math.round(Number(n) * 10 ** digits) / 10 ** digits);

/** Support reports: volume, response and resolution times, SLA attainment, CSAT, backlog; per agent and team. */
export class ReportsService {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  async report(q: ReportQuery): Promise<Report> {
    // Date.parse rolls 2025-02-30 over to March: only a date that reads back the same is real.
    const parse = (s: string) => {
      const t = Date.parse(`${s}T00:00:00Z`);
      return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s ? t : NaN;
    };
    const fromDay = parse(q.from);
    const toDay = parse(q.to);
    const errors = [];
    if (Number.isNaN(fromDay)) errors.push({ pointer: '/querystring/from', detail: 'is not a calendar date' });
    if (Number.isNaN(toDay)) errors.push({ pointer: '/querystring/to', detail: 'is not a calendar date' });
    if (!errors.length && toDay < fromDay) errors.push({ pointer: '/querystring/to', detail: 'must not be before from' });
    if (!errors.length && (toDay - fromDay) / DAY + 1 > MAX_DAYS) errors.push({ pointer: '/querystring/to', detail: `the range may span at most ${MAX_DAYS} days` });
    if (errors.length) throw badRequest(`Pick a valid date range: ${errors.map((e) => `${e.pointer.split('/')[2]} ${e.detail}`).join('; ')}.`, errors);

    const timeZone = zoneOr((await getStoreSettings(this.db)).timeZone, 'UTC');
    const at = (t: number) => {
      const d = new Date(t);
      return zonedToUtc({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 0, minute: 0 }, timeZone);
    };
    const w: Window = { start: at(fromDay), end: at(toDay + DAY), timeZone, teamId: q.teamId };
    const [totals, agents, teams, daily, backlog] = await Promise.all([
      this.metrics(w, 'none'), this.metrics(w, 'agent'), this.metrics(w, 'team'), reportsRepo.daily(this.db, w), reportsRepo.backlog(this.db, w),
    ]);
    const days: string[] = [];
    for (let t = fromDay; t <= toDay; t += DAY) days.push(new Date(t).toISOString().slice(0, 10));
    const volume = days.map((day) => {
      const rows = daily.filter((r) => r.day === day);
      return { day, total: rows.reduce((s, r) => s + r.n, 0), channels: Object.fromEntries(rows.map((r) => [r.channel, r.n])) };
    });
    let open = backlog.base;
    const series = days.map((day) => {
      const r = backlog.days.find((x) => x.day === day);
      open += (r?.created ?? 0) - (r?.done ?? 0);
      return { day, open };
    });
    const named = async (g: 'agent' | 'team', rows: Map<string | null, Metrics>): Promise<BreakdownRow[]> => {
      const names = await reportsRepo.names(this.db, g, [...rows.keys()].filter((k): k is string => !!k));
      return [...rows].map(([id, m]) => ({ id, name: id ? (names.get(id) ?? 'Removed') : g === 'agent' ? 'Unassigned' : 'No team', ...m }))
        .sort((a, b) => (a.id === null ? 1 : b.id === null ? -1 : b.solved - a.solved || a.name.localeCompare(b.name)));
    };
    return {
      from: q.from, to: q.to, timeZone, totals: totals.get(null) ?? empty(), volume, backlog: series,
      agents: await named('agent', agents), teams: await named('team', teams),
    };
  }

  private async metrics(w: Window, g: GroupBy): Promise<Map<string | null, Metrics>> {
    const [vol, fr, res, att, cs] = await Promise.all([
      reportsRepo.volume(this.db, w, g), reportsRepo.times(this.db, w, g, 'first_response'), reportsRepo.times(this.db, w, g, 'resolution'),
      reportsRepo.attainment(this.db, w, g), reportsRepo.csat(this.db, w, g),
    ]);
    const out = new Map<string | null, Metrics>();
    const get = (k: string | null) => {
      let m = out.get(k);
      if (!m) out.set(k, (m = empty()));
      return m;
    };
    for (const r of vol) Object.assign(get(r.k), { created: r.created, solved: r.solved });
    for (const r of fr) get(r.k).firstResponse = { median: round(r.median), p90: round(r.p90), count: r.n };
    for (const r of res) get(r.k).resolution = { median: round(r.median), p90: round(r.p90), count: r.n };
    for (const r of att) get(r.k).sla = { met: r.met, missed: r.missed, attainment: r.met + r.missed ? round(r.met / (r.met + r.missed), 4) : null };
    for (const r of cs) get(r.k).csat = { responses: r.responses, average: round(r.average, 2), satisfied: r.responses ? round(r.satisfied / r.responses, 4) : null, sent: r.sent };
    return out;
  }
}

function empty(): Metrics {
  return {
    created: 0, solved: 0, firstResponse: { median: null, p90: null, count: 0 }, resolution: { median: null, p90: null, count: 0 },
    sla: { met: 0, missed: 0, attainment: null }, csat: { responses: 0, average: null, satisfied: null, sent: 0 },
  };
}
