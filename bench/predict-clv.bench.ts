import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { buildPatron } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { createLogger } from '../server/src/platform/log.ts';
import { fmt, type Bench } from './lib.ts';

const TICK = 100; // USER_HZ: /proc reports CPU time in 1/100 s on Linux

/**
 * CPU seconds the embedded Postgres has used so far: its live processes' own time plus what the postmaster
 * collected from children that exited (parallel workers). Under a loaded machine wall time stretches; this
 * does not. Null where /proc or the pid file is not there (not Linux, or an external DATABASE_URL).
 */
function postgresCpuSeconds(pgDir: string): number | null {
  try {
    const postmaster = Number(fs.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const fields = (pid: number | string) => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    const pm = fields(postmaster);
    // After the ") ": state ppid … utime(12) stime(13) cutime(14) cstime(15), 0-based from the state field.
    let ticks = Number(pm[11]) + Number(pm[12]) + Number(pm[13]) + Number(pm[14]);
    for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        const f = fields(pid);
        if (Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
      } catch {
        // the process ended meanwhile
      }
    }
    return ticks / TICK;
  } catch {
    return null;
  }
}

/** BG/NBD + Gamma-Gamma fit and scoring of every customer at N customers with orders (default 1,000,000). */
export const bench: Bench = {
  name: 'predict-clv',
  description: 'CLV fit (BG/NBD + Gamma-Gamma) and scoring of --customers N (default 1,000,000) customers (orders drawn from a BG/NBD-like process), in days: summary in SQL, fit on grouped triples, scores written set-based',
  async run(opts) {
    const n = Number(opts.flags.customers ?? 1_000_000);
    const dir = path.resolve(`.bench-data/predict-clv-${n}`);
    fs.mkdirSync(dir, { recursive: true });
    const config = { ...loadConfig({ ...process.env, PATRON_DATA_DIR: dir, PATRON_LOG_LEVEL: 'warn' }), port: 0, poolSize: 4 };
    const patron = await buildPatron(config, createLogger('warn', false), { http: false, worker: false, role: 'owner' });
    const notes: string[] = [];
    try {
      const db = patron.dbh.db;
      const have = (await sql<{ n: number }>`select count(*)::int as n from customers where source = 'bench-clv'`.execute(db)).rows[0]!.n;
      if (have !== n) {
        if (have > 0) throw new Error(`${dir} holds ${have} bench customers; delete it to make ${n}`);
        // Customers drawn from a BG/NBD-like process: first order in the last two years, purchase rates log-normal
        // (mean gap ~20 days), a dropout chance of 5-55% after each purchase; each customer's order values vary around their own mean ($10-$100).
        const t0 = performance.now();
        await sql`
          insert into customers (id, source, email)
          select md5('clv' || i)::uuid, 'bench-clv', 'c' || i || '@example.com' from generate_series(1, ${n}) i`.execute(db);
        await sql`
          with c as (
            select i, 1 + floor(random() * 730)::int as f,
              exp(-3.5 + sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) as lam,
              least(60, floor(ln(1 - random()) / ln(1 - (0.05 + 0.5 * random() ^ 2))))::int as k,
              1000 + floor(9000 * random() ^ 2) as m
            from generate_series(1, ${n}) i
          ), e as (
            select c.i, c.f, c.m, j, sum(case when j = 0 then 0 else -ln(1 - random()) / c.lam end) over (partition by c.i order by j) as at
            from c cross join lateral generate_series(0, c.k) j
          )
          insert into orders (id, source, external_id, customer_id, status, currency, total, placed_at)
          select md5('clvo' || i || '-' || j)::uuid, 'bench-clv', i || '-' || j, md5('clv' || i)::uuid, 'completed', 'USD',
            round(m * (0.5 + random()))::bigint, now() - ((f - at) * interval '1 day')
          from e where at <= f`.execute(db);
        await sql`analyze customers`.execute(db);
        await sql`analyze orders`.execute(db);
        notes.push(`made ${fmt(n)} customers and their orders in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
      const orders = (await sql<{ n: number }>`select count(*)::int as n from orders where source = 'bench-clv'`.execute(db)).rows[0]!.n;
      const rows = [];
      let peakRss = 0;
      const timer = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);
      try {
        for (let i = 1; i <= 2; i++) {
          const t0 = performance.now();
          const cpu0 = process.cpuUsage();
          const pg0 = postgresCpuSeconds(path.join(dir, 'pg'));
          const m = await patron.modules.predict.clv.service.fit({ unit: 'day', horizonMonths: 12, discountRate: 0.1 }, 'cli');
          const s = (performance.now() - t0) / 1000;
          const cpu = process.cpuUsage(cpu0);
          const pg1 = postgresCpuSeconds(path.join(dir, 'pg'));
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
          rows.push({
            run: i, customers: fmt(m.customers), orders: fmt(orders), scored: fmt(m.scored), status: m.status,
            'summary s': ((m.timings?.summaryMs ?? 0) / 1000).toFixed(2), 'fit s': ((m.timings?.fitMs ?? 0) / 1000).toFixed(2), 'score s': ((m.timings?.scoreMs ?? 0) / 1000).toFixed(2),
            'total s': s.toFixed(2), 'Node CPU s': ((cpu.user + cpu.system) / 1e6).toFixed(2),
            'Postgres CPU s': pg0 !== null && pg1 !== null ? (pg1 - pg0).toFixed(2) : '-', 'LL': m.bgnbd ? fmt(m.bgnbd.logLik, 1) : '-',
          });
        }
      } finally {
        clearInterval(timer);
      }
      const best = Math.min(...rows.map((r) => Number(r['total s'])));
      notes.push(`fit + score ${fmt(n)} customers: ${best.toFixed(1)} s (target < 15 s): ${best < 15 ? 'met' : 'MISSED'}`);
      notes.push(`peak Node RSS ${fmt(peakRss / 2 ** 20)} MiB (target < 1 GiB): ${peakRss < 2 ** 30 ? 'met' : 'MISSED'}; Postgres work_mem for the summary: 256 MB`);
      notes.push(`load average while measuring: ${os.loadavg().map((v) => v.toFixed(1)).join(' / ')} on ${os.cpus().length} cores (wall times stretch with it; the CPU columns are the work itself: Node, and Postgres including parallel workers)`);
      notes.push(`reference: the best-known Python library (lifetimes) takes about 50 s for 100,000 transactions; this is ${fmt(orders)} orders`);
      return { rows, notes };
    } finally {
      await patron.close();
    }
  },
};
