import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type Actor } from '../../platform/audit/audit.ts';
import { newId } from '../../platform/ids.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { ALWAYS_OPEN } from './hours.ts';

let app: TestApp;
let ada: Session;
let bob: Session;
const db = () => app.patron.dbh.db;
const M = 60_000;
const T0 = Date.parse('2025-03-03T10:00:00Z');

beforeAll(async () => {
  app = await startTestApp();
  ada = await loginAs(app, 'support', 'ada@shop.test');
  bob = await loginAs(app, 'support', 'bob@shop.test');
});
afterAll(async () => app?.close());

const api = (url: string) => app.patron.http!.inject({ method: 'GET', url, headers: ada.headers });

/**
 * Known data on a 24/7 UTC calendar (business minutes = real minutes), March 2025:
 * four tickets created 2025-03-03 10:00; first replies after 10, 20, 30 (Ada) and 100 minutes (Bob);
 * the first two solved after 120 and 300 minutes; the other two still open (resolution breached at 14:00).
 * Targets (normal): first response 60, resolution 240.
 */
async function seed(): Promise<void> {
  const svc = app.patron.modules.support.tickets.service;
  const sla = app.patron.modules.support.sla;
  await sla.config.createCalendar(SYSTEM_ACTOR, { name: 'Always', timeZone: 'UTC', hours: ALWAYS_OPEN, holidays: [], isDefault: true });
  await sla.config.createPolicy(SYSTEM_ACTOR, { name: 'Standard', enabled: true, calendarId: null, segmentId: null, channels: [], targets: { normal: { firstResponse: 60, resolution: 240 } } });
  const team = newId();
  await sql`insert into support_teams (id, name) values (${team}, 'Care')`.execute(db());
  const plan = [
    { fr: 10, solve: 120, agent: ada, channel: 'email' as const, rating: 5 },
    { fr: 20, solve: 300, agent: ada, channel: 'email' as const, rating: 2 },
    { fr: 30, solve: null, agent: ada, channel: 'chat' as const, rating: null },
    { fr: 100, solve: null, agent: bob, channel: 'form' as const, rating: null },
  ];
  for (const [i, p] of plan.entries()) {
    const me: Actor = { type: 'user', id: p.agent.userId, label: 'agent' };
    const { ticket } = await svc.createTicket(SYSTEM_ACTOR, {
      channel: p.channel, subject: `T${i}`, requester: { email: `c${i}@example.com` }, assigneeId: p.agent.userId, teamId: team,
      message: { direction: 'inbound', authorType: 'customer', bodyText: 'hi', createdAt: new Date(T0) },
    });
    await svc.addMessage(me, ticket.id, { direction: 'outbound', authorType: 'agent', bodyText: 'hello', createdAt: new Date(T0 + p.fr * M), deliveryStatus: 'sent' });
    if (p.solve) await svc.setStatus(me, ticket.id, 'solved');
    // The ticket core stamps now(); give the history its March 2025 times, then recompute the clock.
    const solvedAt = p.solve ? new Date(T0 + p.solve * M) : null;
    await sql`update tickets set solved_at = ${solvedAt} where id = ${ticket.id}::uuid`.execute(db());
    await sql`update ticket_events set created_at = case when data->>'to' = 'solved' then ${solvedAt}::timestamptz else ${new Date(T0)}::timestamptz end where ticket_id = ${ticket.id}::uuid`.execute(db());
    await db().transaction().execute((tx) => sla.service.sync(tx, ticket.id, new Date(T0 + 7 * 24 * 60 * M)));
    if (p.rating) {
      await sql`insert into csat_surveys (id, ticket_id, customer_id, sent_at, rating, rated_at) values (${newId()}, ${ticket.id}, ${ticket.customerId}, ${solvedAt}, ${p.rating}, ${new Date(solvedAt!.getTime() + 60 * M)})`.execute(db());
    }
  }
  // The breach job marks the two open tickets' resolution (due 14:00 on 3 March).
  await sla.service.checkBreaches(new Date(T0 + 7 * 24 * 60 * M));
  // A ticket outside the range changes nothing.
  await svc.createTicket(SYSTEM_ACTOR, { channel: 'email', subject: 'later', requester: { email: 'z@example.com' }, message: { direction: 'inbound', authorType: 'customer', bodyText: 'x', createdAt: new Date('2025-04-10T10:00:00Z') } });
}

describe('support reports', () => {
  it('computes exact volume, medians and p90s, SLA attainment, CSAT and backlog, per agent and team', async () => {
    await seed();
    const r = await api('/api/support/reports?from=2025-03-01&to=2025-03-07');
    expect(r.statusCode).toBe(200);
    const rep = r.json();
    expect(rep.totals).toEqual({
      created: 4, solved: 2,
      // [10, 20, 30, 100]: median 25; p90 = 30 + 0.7 × 70 = 79.
      firstResponse: { median: 25, p90: 79, count: 4 },
      // [120, 300]: median 210; p90 = 120 + 0.9 × 180 = 282.
      resolution: { median: 210, p90: 282, count: 2 },
      // First response: 3 met, 1 missed; resolution: 1 met, 1 missed, 2 breached open → 4 of 8.
      sla: { met: 4, missed: 4, attainment: 0.5 },
      csat: { responses: 2, average: 3.5, satisfied: 0.5, sent: 2 },
    });
    expect(rep.volume).toHaveLength(7);
    expect(rep.volume[2]).toEqual({ day: '2025-03-03', total: 4, channels: { email: 2, chat: 1, form: 1 } });
    expect(rep.volume[0].total).toBe(0);
    expect(rep.backlog.map((b: { open: number }) => b.open)).toEqual([0, 0, 2, 2, 2, 2, 2]);

    const adaRow = rep.agents.find((a: { id: string }) => a.id === ada.userId);
    expect(adaRow).toMatchObject({ name: 'support', created: 3, solved: 2, firstResponse: { median: 20, count: 3 }, sla: { met: 4, missed: 2 }, csat: { average: 3.5 } });
    const bobRow = rep.agents.find((a: { id: string }) => a.id === bob.userId);
    expect(bobRow).toMatchObject({ created: 1, solved: 0, firstResponse: { median: 100, p90: 100, count: 1 }, sla: { met: 0, missed: 2, attainment: 0 } });
    expect(rep.teams).toHaveLength(1);
    expect(rep.teams[0]).toMatchObject({ name: 'Care', created: 4 });
  });

  it('refuses a bad or too long range with field errors', async () => {
    const reversed = await api('/api/support/reports?from=2025-03-07&to=2025-03-01');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().errors[0].pointer).toBe('/querystring/to');
    expect((await api('/api/support/reports?from=2024-01-01&to=2025-06-01')).statusCode).toBe(400);
    const feb30 = await api('/api/support/reports?from=2025-02-30&to=2025-03-05');
    expect(feb30.statusCode).toBe(400);
    expect(feb30.json().errors[0]).toMatchObject({ pointer: '/querystring/from', detail: 'is not a calendar date' });
    expect((await api('/api/support/reports?from=yesterday&to=2025-03-01')).statusCode).toBe(400);
    const empty = (await api('/api/support/reports?from=2020-01-01&to=2020-01-02')).json();
    expect(empty.totals).toMatchObject({ created: 0, firstResponse: { median: null }, sla: { attainment: null }, csat: { average: null } });
  });

  it('the demo loads calendars, policies, three weeks of tickets and ratings the report shows', async () => {
    for (let i = 0; i < 12; i++) {
      await db().transaction().execute((tx) => app.patron.modules.customers.service.resolve(tx, { identities: [{ kind: 'email', value: `demo${i}@example.com` }], profile: { firstName: `Demo${i}` }, source: 'api', actor: SYSTEM_ACTOR }));
    }
    // A short history keeps the test fast (`patron demo` makes 70 tickets).
    const out = await app.patron.modules.support.sla.demo(SYSTEM_ACTOR, undefined, { tickets: 14 });
    expect(out.tickets).toBe(14);
    expect(out.csatRatings).toBeGreaterThan(3);
    expect(await app.patron.modules.support.sla.csat.settings()).toMatchObject({ enabled: true });
    // Solving the history sent no survey emails.
    expect((await sql`select 1 from graphile_worker.jobs where task_identifier = 'support.csat.send'`.execute(db())).rows).toHaveLength(0);
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    const rep = (await api(`/api/support/reports?from=${from}&to=${today}`)).json();
    expect(rep.totals.created).toBe(14);
    expect(rep.totals.firstResponse.median).toBeGreaterThan(0);
    expect(rep.totals.sla.attainment).toBeGreaterThan(0);
    expect(rep.totals.csat.average).toBeGreaterThan(3);
    // Loading it again adds nothing.
    expect((await app.patron.modules.support.sla.demo(SYSTEM_ACTOR, undefined, { tickets: 14 })).tickets).toBe(0);
  });
});
