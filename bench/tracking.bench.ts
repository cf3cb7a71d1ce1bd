import os from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { newId } from '../server/src/platform/ids.ts';
import { fmt, startServer, type Bench } from './lib.ts';

interface Info extends Record<string, unknown> {
  url: string;
  pk: string;
  sk: string;
  dbUrl: string;
  poolSize: number;
}

type Call = Record<string, unknown> & { type: string; anonymousId: string; messageId: string };

/**
 * Browser traffic of a busy store: each batch holds `perBatch` calls from `visitorsPerBatch`
 * visitors, a share of them new (never seen), the rest returning; mostly page views and
 * product views, plus `identifyPerBatch` identify calls (logins) that go the profile-changing way.
 */
class Traffic {
  private n = 0;
  private seen: string[] = [];
  private readonly run: string;
  readonly perBatch: number;
  private readonly visitorsPerBatch: number;
  private readonly newShare: number;
  private readonly identifyPerBatch: number;

  constructor(run: string, o: { perBatch: number; visitorsPerBatch: number; newShare: number; identifyPerBatch: number }) {
    this.run = run;
    this.perBatch = o.perBatch;
    this.visitorsPerBatch = o.visitorsPerBatch;
    this.newShare = o.newShare;
    this.identifyPerBatch = o.identifyPerBatch;
  }

  batch(): Call[] {
    const k = this.n++;
    const visitors: string[] = [];
    // Returning visitors are ones whose earlier batches are long delivered (not the last few hundred
    // visitors, whose first calls may still be in flight): a browser sends its own calls in order.
    const settled = this.seen.length - 20;
    for (let v = 0; v < this.visitorsPerBatch; v++) {
      const fresh = settled < 100 || Math.random() < this.newShare;
      const id = fresh ? `${this.run}-v${k}-${v}` : this.seen[Math.floor(Math.random() * settled)]!;
      if (fresh) this.seen.push(id);
      visitors.push(id);
    }
    const now = Date.now();
    const calls: Call[] = [];
    for (let i = 0; i < this.perBatch; i++) {
      const anonymousId = visitors[i % visitors.length]!;
      const product = `p-${(k * 7 + i) % 500}`;
      const base = {
        messageId: `${this.run}-${k}-${i}`, anonymousId, timestamp: new Date(now - (this.perBatch - i) * 50).toISOString(),
        context: {
          ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36', locale: 'en-GB',
          library: { name: 'patron.js', version: '1.0.0' }, sessionId: `s-${anonymousId}`, page: { path: `/products/${product}`, url: `https://shop.example/products/${product}`, title: 'Product', referrer: 'https://shop.example/' },
        },
      };
      if (i < this.identifyPerBatch) {
        calls.push({ ...base, type: 'identify', userId: `user-${anonymousId}`, traits: { email: `${anonymousId}@example.com`, firstName: 'Bench', plan: 'member' } });
      } else if (i % 2 === 0) {
        calls.push({ ...base, type: 'page', name: 'Product', properties: { path: `/products/${product}`, url: `https://shop.example/products/${product}`, title: 'Product' } });
      } else {
        calls.push({ ...base, type: 'track', event: 'Product Viewed', properties: { product_id: product, sku: `SKU-${product}`, name: `Product ${product}`, price: 19.99, currency: 'GBP', category: 'Mugs' } });
      }
    }
    return calls;
  }
}

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/**
 * Load from `connections` senders (a browser, an SDK instance), each with visitors of its own,
 * taking turns. (Not autocannon's per-connection context: with one request in the list it is reset
 * before every request, which made every visitor of every batch a new one.)
 */
async function cannon(url: string, o: { duration: number; connections: number; auth: string; path: string; body: (t: Traffic) => string; traffic: (connection: number) => Traffic }) {
  const senders = Array.from({ length: o.connections }, (_, i) => o.traffic(i));
  let turn = 0;
  const r = await autocannon({
    url, duration: o.duration, connections: o.connections, pipelining: 1,
    requests: [{
      method: 'POST', path: o.path, headers: { 'content-type': 'application/json', authorization: o.auth },
      setupRequest: (req) => ({ ...req, body: o.body(senders[turn++ % senders.length]!) }),
    }],
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, ok: r['2xx'], bad: r.non2xx + r.errors + r.timeouts, total: r.requests.total };
}

/** The fastest plain insert of the same kind of rows into the same tables, one transaction per batch, `connections` at once. */
async function rawInsert(dbUrl: string, o: { duration: number; connections: number; traffic: (worker: number) => Traffic; mode: 'unnest' | 'values' }): Promise<number> {
  const pool = new pg.Pool({ connectionString: dbUrl, max: o.connections });
  pool.on('error', () => undefined);
  const until = Date.now() + o.duration * 1000;
  let events = 0;
  // Each worker its own visitors: a plain insert has no locks to order two writers of one new visitor.
  const worker = async (_: unknown, w: number) => {
    const traffic = o.traffic(w);
    const customers = new Map<string, string>();
    const client = await pool.connect();
    try {
      while (Date.now() < until) {
        const calls = traffic.batch();
        const fresh: [string, string][] = [];
        for (const c of calls) {
          if (!customers.has(c.anonymousId)) {
            const id = newId();
            customers.set(c.anonymousId, id);
            fresh.push([c.anonymousId, id]);
          }
        }
        const rows = calls.map((c) => {
          const { context, type, messageId, timestamp, anonymousId, ...rest } = c;
          return [newId(), customers.get(anonymousId)!, type === 'page' ? 'Page Viewed' : type === 'identify' ? 'Identified' : String(rest.event), String(timestamp), 'tracking', JSON.stringify(rest.properties ?? rest.traits ?? {}), `seg:${messageId}`, JSON.stringify(context)];
        });
        await client.query('begin');
        if (fresh.length) {
          await client.query('insert into customers (id, source, anonymous) select id, \'tracking\', true from unnest($1::uuid[]) as t(id)', [fresh.map((f) => f[1])]);
          await client.query('insert into customer_identities (id, customer_id, kind, source, value, verified) select gen_random_uuid(), c, \'anonymous\', \'tracking\', v, false from unnest($1::uuid[], $2::text[]) as t(c, v)', [fresh.map((f) => f[1]), fresh.map((f) => f[0])]);
        }
        if (o.mode === 'unnest') {
          const col = (i: number) => rows.map((r) => r[i]);
          await client.query(
            'insert into activities (id, customer_id, type, occurred_at, source, properties, dedupe_key, context) select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::jsonb[], $7::text[], $8::jsonb[])',
            [col(0), col(1), col(2), col(3), col(4), col(5), col(6), col(7)],
          );
        } else {
          const values = rows.map((_, i) => `($${i * 8 + 1}, $${i * 8 + 2}, $${i * 8 + 3}, $${i * 8 + 4}, $${i * 8 + 5}, $${i * 8 + 6}, $${i * 8 + 7}, $${i * 8 + 8})`).join(', ');
          await client.query(`insert into activities (id, customer_id, type, occurred_at, source, properties, dedupe_key, context) values ${values}`, rows.flat());
        }
        await client.query('commit');
        events += calls.length;
      }
    } finally {
      client.release();
    }
  };
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: o.connections }, worker));
  } finally {
    await pool.end();
  }
  return events / ((performance.now() - started) / 1000);
}

/** /v1/batch on a fresh Patron with `processes` HTTP processes: warm-up, then the measured run; acknowledged vs stored. */
async function severalProcesses(processes: number, o: { duration: number; connections: number; shape: ConstructorParameters<typeof Traffic>[1]; body: (t: Traffic) => string }) {
  const srv = await startServer<Info>('tracking', { PATRON_PROCESSES: String(processes) });
  const db = new pg.Client({ connectionString: srv.info.dbUrl });
  db.on('error', () => undefined);
  await db.connect();
  const count = async () => Number((await db.query<{ n: string }>('select count(*) as n from activities')).rows[0]!.n);
  try {
    const auth = basic(srv.info.pk);
    await cannon(srv.info.url, { duration: 2, connections: o.connections, auth, path: '/v1/batch', body: o.body, traffic: (c) => new Traffic(`warm-${c}`, o.shape) });
    await new Promise((r) => setTimeout(r, 1000));
    const before = await count();
    const r = await cannon(srv.info.url, { duration: o.duration, connections: o.connections, auth, path: '/v1/batch', body: o.body, traffic: (c) => new Traffic(`procs-${c}`, o.shape) });
    await new Promise((res) => setTimeout(res, 1000));
    return { ...r, eps: r.rps * o.shape.perBatch, acked: r.ok * o.shape.perBatch, stored: (await count()) - before };
  } finally {
    await db.end();
    await srv.stop();
  }
}

export const bench: Bench = {
  name: 'tracking',
  description: 'Segment /v1/batch (100 calls per request; one HTTP process, then one per core) and single /v1/track on loopback, embedded Postgres, vs the fastest raw insert of the same rows in the same run',
  async run(opts) {
    const batchConnections = Number(opts.flags['batch-connections'] ?? 16);
    const shape = { perBatch: 100, visitorsPerBatch: 10, newShare: 0.2, identifyPerBatch: Number(opts.flags['identify-per-batch'] ?? 1) };
    const batchBody = (t: Traffic) => JSON.stringify({ batch: t.batch(), sentAt: new Date() });
    const loadAtStart = os.loadavg()[0]!;

    const srv = await startServer<Info>('tracking');
    const { url, pk, dbUrl } = srv.info;
    const db = new pg.Client({ connectionString: dbUrl });
    db.on('error', () => undefined);
    await db.connect();
    const count = async () => Number((await db.query<{ n: string }>('select count(*) as n from activities')).rows[0]!.n);
    let one: { batch: Awaited<ReturnType<typeof cannon>>; apiEps: number; stored: number; acked: number; rawUnnest: number; rawValues: number; track: Awaited<ReturnType<typeof cannon>> };
    try {
      // Warm-up: JIT, connection pool, plan caches.
      await cannon(url, { duration: 2, connections: batchConnections, auth: basic(pk), path: '/v1/batch', body: batchBody, traffic: (c) => new Traffic(`warm-${c}`, shape) });

      // Let the warm-up's last requests finish before counting.
      await new Promise((r) => setTimeout(r, 1000));
      const before = await count();
      const batch = await cannon(url, { duration: opts.duration, connections: batchConnections, auth: basic(pk), path: '/v1/batch', body: batchBody, traffic: (c) => new Traffic(`api-${c}`, shape) });
      // Requests still in flight when the load stops are committed but not counted as answered.
      await new Promise((r) => setTimeout(r, 1000));
      const stored = (await count()) - before;

      const rawUnnest = await rawInsert(dbUrl, { duration: opts.duration, connections: batchConnections, traffic: (w) => new Traffic(`raw1-${w}`, shape), mode: 'unnest' });
      const rawValues = await rawInsert(dbUrl, { duration: opts.duration, connections: batchConnections, traffic: (w) => new Traffic(`raw2-${w}`, shape), mode: 'values' });

      const track = await cannon(url, {
        duration: opts.duration, connections: opts.connections, auth: basic(pk), path: '/v1/track',
        body: (t) => JSON.stringify({ ...t.batch()[0], type: 'track', event: 'Product Viewed' }), traffic: (c) => new Traffic(`single-${c}`, { ...shape, perBatch: 1, visitorsPerBatch: 1, identifyPerBatch: 0 }),
      });
      one = { batch, apiEps: batch.rps * shape.perBatch, stored, acked: batch.ok * shape.perBatch, rawUnnest, rawValues, track };
    } finally {
      await db.end();
      await srv.stop();
    }

    // The same load on `patron start --processes N`, one HTTP process per core (Node runs JavaScript on
    // one), on a new database once the first server has stopped (its autovacuum would take a core).
    const cores = os.availableParallelism();
    const several = cores > 1 ? await severalProcesses(cores, { duration: opts.duration, connections: batchConnections, shape, body: batchBody }) : undefined;

    const { batch, apiEps, stored, acked, rawUnnest, rawValues, track } = one;
    const raw = Math.max(rawUnnest, rawValues);
    const best = Math.max(apiEps, several?.eps ?? 0);
    const rows = [
      { what: `POST /v1/batch, ${shape.perBatch} calls/request, ${batchConnections} connections, 1 process`, 'events/s': fmt(apiEps), 'req/s': fmt(batch.rps), 'p50 ms': batch.p50, 'p99 ms': batch.p99, errors: batch.bad },
      ...(several ? [{ what: `POST /v1/batch, same, ${cores} processes (--processes ${cores})`, 'events/s': fmt(several.eps), 'req/s': fmt(several.rps), 'p50 ms': several.p50, 'p99 ms': several.p99, errors: several.bad }] : []),
      { what: `raw INSERT … SELECT unnest (same rows, tx per ${shape.perBatch})`, 'events/s': fmt(rawUnnest), 'req/s': '', 'p50 ms': '', 'p99 ms': '', errors: 0 },
      { what: `raw multi-row INSERT VALUES (same rows, tx per ${shape.perBatch})`, 'events/s': fmt(rawValues), 'req/s': '', 'p50 ms': '', 'p99 ms': '', errors: 0 },
      { what: `POST /v1/track, ${opts.connections} connections`, 'events/s': fmt(track.rps), 'req/s': fmt(track.rps), 'p50 ms': track.p50, 'p99 ms': track.p99, errors: track.bad },
    ];
    return {
      rows,
      notes: [
        `batch ingest ${fmt(best)} events/s (${several && several.eps > apiEps ? `patron start --processes ${cores}` : 'one process'}) — target ≥ 20,000: ${best >= 20_000 ? 'MET' : 'MISSED'}; one process ${fmt(apiEps)}${several ? `, ${cores} processes ${fmt(several.eps)}` : ''}`,
        `ratio batch API / fastest raw insert = ${fmt(apiEps / raw, 3)} (one process)${several ? `, ${fmt(several.eps / raw, 3)} (${cores} processes; the raw insert ran against the first server's database)` : ''}`,
        `every acknowledged event stored: ${stored >= acked && (!several || several.stored >= several.acked) ? 'yes' : 'NO'} (${fmt(acked)} acknowledged with 200, ${fmt(stored)} stored${several ? `; ${cores} processes: ${fmt(several.acked)} and ${fmt(several.stored)}` : ''}; the difference is requests cut off when the load stopped)`,
        `traffic: ${batchConnections} senders with visitors of their own, taking turns; ${shape.visitorsPerBatch} visitors per batch (${shape.newShare * 100}% new), ${shape.identifyPerBatch} identify per batch, rest page/Product Viewed; durable commits (synchronous_commit on); machine load average at start ${loadAtStart.toFixed(2)}`,
        `single /v1/track: ${fmt(track.rps)} req/s, p99 ${track.p99} ms`,
      ],
    };
  },
};
