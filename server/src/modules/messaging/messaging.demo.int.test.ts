import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateStore } from '../../demo/synthetic.ts';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { startTestApp, type TestApp } from '../../testing/harness.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ worker: true });
});
afterAll(async () => app?.close());

it('the demo store gets addresses, consent for about half, templates, live flows and a newsletter in the outbox', async () => {
  const db = app.patron.dbh.db;
  await generateStore(db, { customers: 400, seed: 3, until: new Date('2026-10-31T00:00:00Z') });
  // Customers an order file names only by number have no address yet.
  await sql`update customers set email = null where id in (select id from customers order by id limit 50)`.execute(db);
  await app.patron.modules.customers.service.refreshAllCommerceStats(db);
  await app.patron.modules.segments.service.ensureBuiltins(CLI_ACTOR);
  await app.patron.modules.segments.refreshAll();

  const out = await app.patron.modules.messaging.demo(CLI_ACTOR, () => undefined);
  const r = (await sql<{ no_email: number; subscribed: number; people: number }>`
    select (select count(*) from customers where email is null and not anonymous and merged_into is null)::int as no_email,
      (select count(*) from customer_consents where channel = 'email' and status = 'subscribed')::int as subscribed,
      (select count(*) from customers where not anonymous and merged_into is null)::int as people`.execute(db)).rows[0]!;
  expect(r.no_email).toBe(0);
  expect(r.subscribed / r.people).toBeGreaterThan(0.45);
  expect(r.subscribed / r.people).toBeLessThan(0.65);
  expect(out.templates).toBe(5);
  expect((out.flows as string[]).length).toBe(7);
  const live = await db.selectFrom('flows').select('status').execute();
  expect(live.filter((f) => f.status === 'live').length).toBe(7);
  expect(out.campaign).toBeTruthy();

  // The newsletter goes out through the worker: to the outbox, only to subscribers among repeat customers.
  const deadline = Date.now() + 60_000;
  let sent = 0;
  while (Date.now() < deadline) {
    const s = (await sql<{ sent: number; queued: number }>`select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status in ('queued','sending'))::int as queued
      from messages where campaign_id = ${out.campaign as string}`.execute(db)).rows[0]!;
    sent = s.sent;
    if (sent > 0 && s.queued === 0) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  expect(sent).toBeGreaterThan(0);
  const bad = (await sql<{ n: number }>`select count(*)::int as n from messages m join customer_consents c on c.customer_id = m.customer_id and c.channel = 'email'
    where m.campaign_id = ${out.campaign as string} and m.status = 'sent' and c.status <> 'subscribed'`.execute(db)).rows[0]!.n;
  expect(bad).toBe(0);
  const m = await db.selectFrom('messages').select(['transport', 'to_address', 'html']).where('campaign_id', '=', out.campaign as string).where('status', '=', 'sent').executeTakeFirstOrThrow();
  expect(m.transport).toBe('outbox');
  expect(m.to_address).toMatch(/@example\.(com|org|net)$|@/);
  expect(m.html).toContain('Demo Gift Shop Ltd');
});
