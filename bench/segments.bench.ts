import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { buildPatron, type Patron } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { CLI_ACTOR } from '../server/src/platform/audit/audit.ts';
import type { Db } from '../server/src/platform/db/db.ts';
import { createLogger } from '../server/src/platform/log.ts';
import { generateStore } from '../server/src/demo/synthetic.ts';
import type { Definition } from '../server/src/modules/segments/segments.definition.ts';
import { fmt, type Bench } from './lib.ts';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

/**
 * Browsing behaviour for the generated store: about `perCustomer` activities per customer on
 * average (power-law: a few customers browse a lot), over the two years before `until`. Loaded
 * with the activity indexes dropped and rebuilt after, the way a bulk load should be.
 */
async function generateActivities(db: Db, total: number, until: Date, log: (m: string) => void): Promise<number> {
  const customers = Number((await sql<{ n: number }>`select count(*)::int as n from customers where source = 'synthetic'`.execute(db)).rows[0]!.n);
  const have = Number((await sql<{ n: number }>`select count(*)::int as n from activities`.execute(db)).rows[0]!.n);
  const perCustomer = Math.max(1, (total - have) / customers);
  await db.connection().execute(async (conn) => {
    await sql`set synchronous_commit = off`.execute(conn);
    await sql`set max_parallel_workers_per_gather = 0`.execute(conn);
    await sql`select setseed(0.5)`.execute(conn);
    await sql`drop index if exists activities_customer_time_idx, activities_type_time_customer_idx`.execute(conn);
    const ids = (await sql<{ id: string }>`select id from customers where source = 'synthetic' order by id`.execute(conn)).rows.map((r) => r.id);
    let seq = 0;
    for (let i = 0; i < ids.length; i += 50_000) {
      const chunk = ids.slice(i, i + 50_000);
      // Pareto(α = 1.5) counts scaled to the wanted mean (mean of the Pareto is 3).
      const r = await sql<{ n: number }>`
        with counts as (
          select c, least(2000, floor(${perCustomer / 3} * (1 / power(1 - random() * 0.9999, 1 / 1.5))))::int as k from unnest(${chunk}::uuid[]) c),
        rows as (
          select c, (array['Page Viewed','Page Viewed','Page Viewed','Page Viewed','Page Viewed','Page Viewed','Product Viewed','Product Viewed','Product Added','Checkout Started'])[1 + floor(random() * 10)::int] as type,
            ${until}::timestamptz - random() * interval '730 days' as at
          from counts cross join lateral generate_series(1, k) g)
        insert into activities (id, customer_id, type, occurred_at, received_at, source, properties)
        select ('00000000-0000-7000-8000-' || lpad(to_hex(${seq}::bigint + row_number() over ()), 12, '0'))::uuid, c, type, at, at, 'synthetic', '{}'::jsonb from rows
        returning 1`.execute(conn);
      seq += r.rows.length;
      if ((i / 50_000) % 4 === 0) log(`activities: ${fmt(seq)} for ${fmt(i + chunk.length)} customers`);
    }
    log('rebuilding the activity indexes');
    await sql`set maintenance_work_mem = '1GB'`.execute(conn);
    await sql`create index activities_customer_time_idx on activities (customer_id, occurred_at desc, id desc)`.execute(conn);
    await sql`create index activities_type_time_customer_idx on activities (type, occurred_at, customer_id)`.execute(conn);
    await sql`vacuum analyze activities`.execute(conn);
  });
  return Number((await sql<{ n: number }>`select count(*)::int as n from activities`.execute(db)).rows[0]!.n);
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}

/** Segment evaluation at 1M profiles / 20M activities, next to a hand-written query for the same answer. */
export const bench: Bench = {
  name: 'segments',
  description: 'Segments at --customers N (default 1,000,000) profiles and --events M (default 20,000,000) activities: full evaluation, preview, incremental re-evaluation',
  async run(opts) {
    const n = Number(opts.flags.customers ?? 1_000_000);
    const events = Number(opts.flags.events ?? 20_000_000);
    const until = new Date('2026-10-31T00:00:00Z');
    const dir = path.resolve(`.bench-data/segments-${n}-${events}`);
    fs.mkdirSync(dir, { recursive: true });
    const config = { ...loadConfig({ ...process.env, PATRON_DATA_DIR: dir, PATRON_LOG_LEVEL: 'warn' }), port: 0, poolSize: 10 };
    const patron: Patron = await buildPatron(config, createLogger('warn', false), { http: false, worker: false, role: 'owner' });
    const notes: string[] = [];
    const rows: Record<string, string | number>[] = [];
    try {
      const db = patron.dbh.db;
      const have = Number((await sql<{ n: number }>`select count(*)::int as n from customers where source = 'synthetic'`.execute(db)).rows[0]!.n);
      if (have === 0) {
        const g = await generateStore(db, { customers: n, seed: 42, until, log: (m) => console.log(`  generating ${m}…`) });
        notes.push(`generated ${fmt(g.customers)} customers, ${fmt(g.orders)} orders in ${g.seconds.toFixed(0)} s`);
      } else if (have !== n) throw new Error(`${dir} holds ${have} customers; delete it to regenerate ${n}`);
      const acts = Number((await sql<{ n: number }>`select count(*)::int as n from activities`.execute(db)).rows[0]!.n);
      if (acts < events * 0.9) {
        const t0 = performance.now();
        const total = await generateActivities(db, events, until, (m) => console.log(`  generating ${m}…`));
        notes.push(`generated activities: ${fmt(total)} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      }
      const total = Number((await sql<{ n: number }>`select count(*)::int as n from activities`.execute(db)).rows[0]!.n);
      // "Now" is the end of the generated data, so "the last 30 days" holds a month of it.
      const now = until;

      // 1. The segment: an attribute, an activity count in the last 30 days, total spent.
      const def: Definition = { version: 1, root: { kind: 'group', match: 'all', conditions: [
        { kind: 'field', field: 'country', op: 'is', value: 'GB' },
        { kind: 'activity', activity: 'Page Viewed', count: { op: 'atLeast', value: 3 }, window: { type: 'inLast', amount: 30, unit: 'days' } },
        { kind: 'field', field: 'totalSpent', op: 'gt', value: 5000 },
      ] } };
      const handWritten = () => sql<{ n: number }>`
        select count(*)::int as n from customers c
        where c.merged_into is null and not c.anonymous and lower(c.country) = 'gb' and c.total_spent > 5000
          and c.id in (select customer_id from activities where type = 'Page Viewed' and occurred_at >= ${now}::timestamptz - interval '30 days' group by customer_id having count(*) >= 3)`.execute(db);
      const ev = patron.modules.segments.evaluator;
      await ev.preview(def, 10, now); // warm the cache once
      await handWritten();
      const pTimes: number[] = [];
      const hTimes: number[] = [];
      let count = 0;
      let hand = 0;
      for (let i = 0; i < 5; i++) {
        const [p, tp] = await timed(() => ev.preview(def, 10, now));
        const [h, th] = await timed(handWritten);
        count = p.count;
        hand = h.rows[0]!.n;
        pTimes.push(tp);
        hTimes.push(th);
      }
      if (count !== hand) throw new Error(`compiled segment counts ${count}, hand-written SQL ${hand}`);
      rows.push({ measure: 'evaluate 3-condition segment (count + sample), median of 5', 'patron ms': fmt(pct(pTimes, 50)), 'hand-written SQL ms': fmt(pct(hTimes, 50)), ratio: (pct(pTimes, 50) / pct(hTimes, 50)).toFixed(2), members: fmt(count) });

      // 2. Store the membership (diff against the stored members, size, history).
      const seg = await patron.modules.segments.service.create(CLI_ACTOR, { name: `bench ${Date.now()}`, description: '', definition: def });
      const full: number[] = [];
      let stored = 0;
      for (let i = 0; i < 3; i++) {
        const [r, t] = await timed(() => ev.evaluateFull(seg.id, { now }));
        stored = r.size;
        full.push(t);
      }
      rows.push({ measure: 'full refresh of that segment (evaluate + store the difference), median of 3', 'patron ms': fmt(pct(full, 50)), 'hand-written SQL ms': fmt(pct(hTimes, 50)), ratio: (pct(full, 50) / pct(hTimes, 50)).toFixed(2), members: fmt(stored) });
      notes.push(`full evaluation at ${fmt(n)} profiles / ${fmt(total)} activities: ${fmt(pct(pTimes, 50))} ms (target < 1,000 ms): ${pct(pTimes, 50) < 1000 ? 'met' : 'MISSED'}`);

      // 3. Builder previews of other shapes (p95 over a few definitions).
      const shapes: Record<string, Definition> = {
        'top 10 % by spend': { version: 1, root: { kind: 'group', match: 'all', conditions: [{ kind: 'field', field: 'totalSpent', op: 'topPercent', value: 10 }] } },
        'checkout, no order within 4 h (30 days)': { version: 1, root: { kind: 'group', match: 'all', conditions: [{ kind: 'sequence', did: 'Checkout Started', didNot: 'Order Completed', notWithin: { amount: 4, unit: 'hours' }, window: { type: 'inLast', amount: 30, unit: 'days' } }] } },
        'viewed ≤ 1 time in 90 days OR tag': { version: 1, root: { kind: 'group', match: 'any', conditions: [{ kind: 'activity', activity: 'Product Viewed', count: { op: 'atMost', value: 1 }, window: { type: 'inLast', amount: 90, unit: 'days' } }, { kind: 'field', field: 'tags', op: 'hasAny', value: ['wholesale'] }] } },
      };
      for (const [name, d] of Object.entries(shapes)) {
        const times: number[] = [];
        let c = 0;
        for (let i = 0; i < 3; i++) {
          const [p, t] = await timed(() => ev.preview(d, 10, now));
          c = p.count;
          times.push(t);
        }
        rows.push({ measure: `preview: ${name}, median of 3`, 'patron ms': fmt(pct(times, 50)), 'hand-written SQL ms': '', ratio: '', members: fmt(c) });
      }

      // 4. Incremental: what one event costs the write path, and how long until membership shows it.
      const cs = (await sql<{ id: string }>`select id from customers where source = 'synthetic' and country = 'GB' and total_spent > 5000 order by id limit 400`.execute(db)).rows.map((r) => r.id);
      const append = async (customerId: string) => (await timed(() => db.transaction().execute((tx) => patron.activities.append(tx, [{ customerId, type: 'Page Viewed', source: 'bench', occurredAt: now, properties: {} }]))))[1];
      await patron.modules.segments.watcher.reloadTriggers();
      const withSeg: number[] = [];
      for (const c of cs.slice(0, 200)) withSeg.push(await append(c));
      const drainStart = performance.now();
      const drained = await patron.modules.segments.watcher.drain();
      const drainMs = performance.now() - drainStart;
      await patron.modules.segments.service.remove(CLI_ACTOR, seg.id);
      await patron.modules.segments.watcher.reloadTriggers();
      const without: number[] = [];
      for (const c of cs.slice(200, 400)) without.push(await append(c));
      rows.push({ measure: 'append 1 event, a segment listens (p50 / p99 ms)', 'patron ms': `${fmt(pct(withSeg, 50), 2)} / ${fmt(pct(withSeg, 99), 2)}`, 'hand-written SQL ms': '', ratio: '', members: '' });
      rows.push({ measure: 'append 1 event, no segment listens (p50 / p99 ms)', 'patron ms': `${fmt(pct(without, 50), 2)} / ${fmt(pct(without, 99), 2)}`, 'hand-written SQL ms': '', ratio: '', members: '' });
      const added = pct(withSeg, 99) - pct(without, 99);
      notes.push(`incremental: p99 added to the write path ${fmt(added, 2)} ms (target < 5 ms): ${added < 5 ? 'met' : 'MISSED'}; re-evaluating those ${drained} marked customers took ${fmt(drainMs)} ms in one drain (${fmt(drainMs / Math.max(1, drained), 2)} ms each; the worker drains every 250 ms, so membership follows an event within ~0.25 s + that)`);
      return { rows, notes };
    } finally {
      await patron.close();
    }
  },
};
