import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { countCustomers, estimateCustomers } from './customers.query.ts';

// 2,600 profiles: enough for a bulk job of several 1,000-customer chunks.
const N = 2600;
let app: TestApp;
let s: Session;
const db = () => app.patron.dbh.db;
const get = (url: string) => app.patron.http!.inject({ url, headers: s.headers });
const post = (url: string, payload: Record<string, unknown>) => app.patron.http!.inject({ method: 'POST', url, headers: s.headers, payload });

beforeAll(async () => {
  app = await startTestApp({ worker: true });
  s = await loginAs(app, 'marketer');
  // Profiles as an import would leave them: every 3rd in GB, every 10th tagged "trial", every 4th an email subscriber.
  await sql`
    insert into customers (id, first_name, email, source, country, tags, created_at)
    select gen_random_uuid(), 'Person ' || i, 'person' || i || '@bulk.test', 'test', case when i % 3 = 0 then 'GB' else 'FR' end,
      case when i % 10 = 0 then array['trial'] else '{}'::text[] end, now() - make_interval(secs => i)
    from generate_series(1, ${N}) i`.execute(db());
  await sql`
    insert into customer_consents (customer_id, channel, status, source, updated_at, event_id)
    select id, 'email', 'subscribed', 'test', now(), gen_random_uuid() from customers where (substring(email from 'person(\\d+)@'))::int % 4 = 0`.execute(db());
  await sql`analyze customers`.execute(db());
});
afterAll(async () => app?.close());

describe('customer counts', () => {
  it('counts exactly with the list’s filters, consent included', async () => {
    expect((await get('/api/customers/count')).json()).toEqual({ count: N, approximate: false });
    expect((await get('/api/customers/count?country=gb')).json()).toEqual({ count: Math.floor(N / 3), approximate: false });
    expect((await get('/api/customers/count?tag=trial&country=GB')).json()).toEqual({ count: Math.floor(N / 30), approximate: false });
    expect((await get('/api/customers/count?emailConsent=subscribed')).json()).toEqual({ count: N / 4, approximate: false });
    expect((await get('/api/customers/count?emailConsent=not_subscribed')).json()).toEqual({ count: N - N / 4, approximate: false });
    expect((await get('/api/customers?emailConsent=subscribed&limit=200')).json().items).toHaveLength(200);
    const bad = await get('/api/customers/count?emailConsent=maybe');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ pointer: '/querystring/emailConsent' });
  });

  it('past its time budget it answers the planner’s estimate, marked approximate', async () => {
    const est = await estimateCustomers(db(), {});
    expect(est.approximate).toBe(true);
    expect(est.count).toBeGreaterThan(N * 0.8);
    expect(est.count).toBeLessThan(N * 1.2);
    // A count that cannot finish in its budget (the table is locked for a moment) falls back to the estimate.
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => { locked = r; });
    const holder = db().transaction().execute(async (tx) => {
      await sql`lock table customers in access exclusive mode`.execute(tx);
      locked();
      await new Promise((r) => setTimeout(r, 700));
    });
    await isLocked;
    const slow = await countCustomers(db(), { country: 'GB' }, 100);
    await holder;
    expect(slow.approximate).toBe(true);
    expect(slow.count).toBeGreaterThan((N / 3) * 0.5);
    expect(slow.count).toBeLessThan((N / 3) * 1.5);
  });
});

describe('bulk tagging by filter', () => {
  it('tags up to 1,000 matching customers within the request, each changed one with its activity', async () => {
    const res = await post('/api/customers/bulk-tag', { filter: { country: 'GB', tag: 'trial' }, add: ['winback'] });
    expect(res.statusCode, res.body).toBe(200);
    const { updated, job } = res.json();
    expect(updated).toBe(Math.floor(N / 30));
    expect(job).toMatchObject({ status: 'done', total: Math.floor(N / 30), processed: Math.floor(N / 30), changed: Math.floor(N / 30), add: ['winback'], filter: { country: 'GB', tag: 'trial' } });
    const acts = await db().selectFrom('activities').select('properties').where('type', '=', 'Profile Updated').where(sql<boolean>`properties->>'bulk' = 'true'`).execute();
    expect(acts).toHaveLength(Math.floor(N / 30));
    expect(acts[0]!.properties).toMatchObject({ changed: ['tags'], tagsAdded: ['winback'], tagsRemoved: [] });
    // Again: nobody changes, nobody gets an activity.
    expect((await post('/api/customers/bulk-tag', { filter: { country: 'GB', tag: 'trial' }, add: ['winback'] })).json().updated).toBe(0);
  });

  it('more than 1,000: a background job in chunks, with its progress, audited', async () => {
    const res = await post('/api/customers/bulk-tag', { filter: { emailConsent: 'not_subscribed' }, add: ['no-consent'], remove: ['trial'] });
    const { job } = res.json();
    expect(job).toMatchObject({ total: N - N / 4 });
    // The worker may have picked the job up before the response was written.
    expect(['queued', 'running']).toContain(job.status);
    let cur = job;
    for (let i = 0; i < 600 && cur.status !== 'done' && cur.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      cur = (await get(`/api/customers/bulk-jobs/${job.id}`)).json();
    }
    expect(cur).toMatchObject({ status: 'done', processed: N - N / 4, changed: N - N / 4, error: null });
    expect((await get('/api/customers/count?tag=no-consent')).json().count).toBe(N - N / 4);
    expect((await get('/api/customers/count?tag=trial&emailConsent=not_subscribed')).json().count).toBe(0);
    // Trial customers left: the subscribers among them (every 20th person).
    expect((await get('/api/customers/count?tag=trial')).json().count).toBe(N / 20);
    const actions = await db().selectFrom('audit_log').select(['action', 'summary']).where('entity_id', '=', job.id).orderBy('at').execute();
    expect(actions.map((a) => a.action)).toEqual(['customer.bulk_tag_started', 'customer.bulk_tagged']);
    expect((await get('/api/customers/bulk-jobs')).json().items[0]).toMatchObject({ id: job.id, status: 'done' });
    // A retry of a finished job changes nothing.
    await app.patron.modules.customers.bulkTags.run(job.id);
    expect((await get(`/api/customers/bulk-jobs/${job.id}`)).json()).toMatchObject({ processed: N - N / 4 });
  });

  it('refuses both or neither selection, and no tags', async () => {
    const both = await post('/api/customers/bulk-tag', { ids: ['0190a3c4-0000-7000-8000-000000000000'], filter: {}, add: ['x'] });
    expect(both.statusCode).toBe(400);
    expect(both.json().errors[0]).toMatchObject({ pointer: '/body/ids', detail: expect.stringContaining('either ids') });
    expect((await post('/api/customers/bulk-tag', { filter: {} })).statusCode).toBe(400);
    expect((await app.patron.http!.inject({ method: 'POST', url: '/api/customers/bulk-tag', headers: (await loginAs(app, 'analyst')).headers, payload: { filter: {}, add: ['x'] } })).statusCode).toBe(403);
  });
});
