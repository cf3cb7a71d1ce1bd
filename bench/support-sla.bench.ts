import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { buildPatron } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { CLI_ACTOR } from '../server/src/platform/audit/audit.ts';
import { createLogger } from '../server/src/platform/log.ts';
import { BusinessCalendar } from '../server/src/modules/support/hours.ts';
import { fmt, type Bench } from './lib.ts';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
}

const day = [{ start: '09:00', end: '18:00' }];
const SPEC = {
  timeZone: 'Europe/London',
  week: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [{ start: '10:00', end: '14:00' }], sun: [] },
  holidays: [{ date: '2026-12-25', name: 'Christmas', yearly: true }, { date: '2026-12-26', name: 'Boxing Day', yearly: true }, { date: '2027-01-01', name: 'New Year', yearly: true }],
};

/**
 * SLA: business-time arithmetic (the pure part every ticket write uses), the per-ticket clock recompute
 * (`sync`, run inside ticket writes), and the breach job over --sla-tickets overdue tickets (default 20,000):
 * how long it takes to mark and notify them all, and what a run costs when there is nothing to do.
 */
export const bench: Bench = {
  name: 'support-sla',
  description: 'SLA business-hours arithmetic ops/s, clock recompute per ticket write (p50/p95), breach job over 20,000 overdue tickets (--sla-tickets N)',
  async run(opts) {
    const rows: Record<string, string | number>[] = [];
    const notes: string[] = [];

    // 1. Pure arithmetic: spans of up to 30 days from random instants in 2026.
    const rand = (() => { let s = 7; return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31); })();
    const starts = Array.from({ length: 20_000 }, () => new Date(Date.UTC(2026, 0, 1) + rand() * 360 * 86_400_000));
    for (const [label, fresh] of [['cold (new calendar each time)', true], ['warm (day intervals cached)', false]] as const) {
      const shared = new BusinessCalendar(SPEC);
      const n = fresh ? 2_000 : starts.length;
      let t = performance.now();
      for (let i = 0; i < n; i++) (fresh ? new BusinessCalendar(SPEC) : shared).add(starts[i]!, 30 + Math.floor(rand() * 5_000));
      const addMs = performance.now() - t;
      t = performance.now();
      for (let i = 0; i < n; i++) (fresh ? new BusinessCalendar(SPEC) : shared).between(starts[i]!, new Date(starts[i]!.getTime() + rand() * 30 * 86_400_000));
      const betweenMs = performance.now() - t;
      rows.push({ part: `add business minutes, ${label}`, n, 'ops/s': fmt((n / addMs) * 1000), 'µs/op': fmt((addMs / n) * 1000, 1) });
      rows.push({ part: `business minutes between, ${label}`, n, 'ops/s': fmt((n / betweenMs) * 1000), 'µs/op': fmt((betweenMs / n) * 1000, 1) });
    }

    // 2 and 3 need the database.
    const n = Number(opts.flags['sla-tickets'] ?? 20_000);
    const dir = path.resolve('.bench-data/support-sla');
    fs.mkdirSync(dir, { recursive: true });
    const config = { ...loadConfig({ ...process.env, PATRON_DATA_DIR: dir, PATRON_LOG_LEVEL: 'warn' }), port: 0, poolSize: 8 };
    const patron = await buildPatron(config, createLogger('warn', false), { http: true, worker: false, role: 'owner' });
    try {
      const db = patron.dbh.db;
      const sla = patron.modules.support.sla;
      const email = 'bench-sla@example.com';
      const me = (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst())
        ?? (await patron.modules.users.service.createFromCli({ email, name: 'SLA bench', role: 'support', password: 'bench password 123' }, CLI_ACTOR));
      if (!(await sla.config.calendars()).length) await sla.config.createCalendar(CLI_ACTOR, { name: 'Support hours', isDefault: true, timeZone: SPEC.timeZone, hours: SPEC.week, holidays: SPEC.holidays });
      if (!(await sla.config.policies()).length) {
        await sla.config.createPolicy(CLI_ACTOR, { name: 'Standard', enabled: true, calendarId: null, segmentId: null, channels: [], targets: { normal: { firstResponse: 240, resolution: 1620 }, urgent: { firstResponse: 60, resolution: 480 } } });
      }
      // Fresh tickets each run (the job marks them), created 10–40 days ago, never answered.
      await sql`delete from tickets where reply_token like 'slabench%'`.execute(db);
      await sql`insert into customers (id, source, email) select md5('sla-c' || i)::uuid, 'bench-sla', 'slac' || i || '@example.com' from generate_series(1, 2000) i on conflict do nothing`.execute(db);
      let t = performance.now();
      await sql`
        insert into tickets (id, subject, status, priority, channel, customer_id, assignee_id, reply_token, created_at, last_message_at)
        select md5('sla-t' || i || clock_timestamp())::uuid, 'Bench ticket ' || i, 'open', case when i % 5 = 0 then 'urgent' else 'normal' end, 'email',
          md5('sla-c' || (1 + i % 2000))::uuid, ${me.id}::uuid, 'slabench' || i, now() - (10 + (i % 30)) * interval '1 day', now() - (i % 30) * interval '1 day'
        from generate_series(1, ${n}::int) i`.execute(db);
      const ids = (await sql<{ id: string }>`select id from tickets where reply_token like 'slabench%' order by id`.execute(db)).rows.map((r) => r.id);
      const setupMs = performance.now() - t;

      // 2. The clock recompute every ticket write runs (in its own transaction here).
      const times: number[] = [];
      t = performance.now();
      for (const id of ids) {
        const s = performance.now();
        await db.transaction().execute((tx) => sla.service.sync(tx, id));
        times.push(performance.now() - s);
      }
      const syncMs = performance.now() - t;
      rows.push({ part: 'clock recompute (sync) per ticket write', n: ids.length, 'ops/s': fmt((ids.length / syncMs) * 1000), 'µs/op': fmt(pct(times, 50) * 1000), p95_ms: fmt(pct(times, 95), 2) });

      // 3. The breach job until everything is marked, then an idle run.
      t = performance.now();
      let runs = 0;
      let breached = 0;
      let warned = 0;
      for (;;) {
        const r = await sla.service.checkBreaches();
        runs++;
        breached += r.breached;
        warned += r.warned;
        if (!r.breached && !r.warned) break;
      }
      const jobMs = performance.now() - t;
      t = performance.now();
      const idle = await sla.service.checkBreaches();
      const idleMs = performance.now() - t;
      rows.push({ part: `breach job: ${fmt(breached)} breaches notified in ${runs} runs`, n: breached, 'ops/s': fmt((breached / jobMs) * 1000), 'µs/op': fmt((jobMs / Math.max(1, breached)) * 1000), p95_ms: '' });
      rows.push({ part: 'breach job: idle run (nothing due)', n: 1, 'ops/s': '', 'µs/op': fmt(idleMs * 1000), p95_ms: '' });
      notes.push(`${fmt(n)} tickets inserted in ${fmt(setupMs / 1000, 1)} s; clock recompute p50 ${fmt(pct(times, 50), 2)} ms, p95 ${fmt(pct(times, 95), 2)} ms per ticket write.`);
      notes.push(`Breach job: ${fmt(breached)} breaches (+${fmt(warned)} warnings) marked and notified in ${fmt(jobMs / 1000, 1)} s (${runs} runs of ≤ 500 per target), exactly once each; an idle run takes ${fmt(idleMs, 1)} ms (${idle.breached + idle.warned} found).`);
      notes.push(`At one run a minute the job keeps up with ${fmt((breached / jobMs) * 60_000)} breaches a minute.`);
      await sql`delete from tickets where reply_token like 'slabench%'`.execute(db);
    } finally {
      await patron.close();
    }
    return { rows, notes };
  },
};
