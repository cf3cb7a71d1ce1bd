import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type Actor } from '../../platform/audit/audit.ts';
import { putSetting } from '../../platform/settings.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { ALWAYS_OPEN } from './hours.ts';
import type { SlaModule } from './sla.module.ts';
import type { TicketService } from './tickets.service.ts';

let app: TestApp;
let agent: Session;
let admin: Session;
let tickets: TicketService;
let sla: SlaModule;
let me: Actor;
const db = () => app.patron.dbh.db;
// Settings need an admin; agents read the countdown and the results.
const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, as = admin) => app.patron.http!.inject({ method, url, payload: payload as object, headers: as.headers });
const H = 3_600_000;

beforeAll(async () => {
  app = await startTestApp();
  agent = await loginAs(app, 'support', 'ada@shop.test');
  admin = await loginAs(app, 'admin', 'max@shop.test');
  tickets = app.patron.modules.support.tickets.service;
  sla = app.patron.modules.support.sla;
  me = { type: 'user', id: agent.userId, label: 'ada@shop.test' };
});
afterAll(async () => app?.close());

const slaRow = (id: string) => db().selectFrom('ticket_sla').selectAll().where('ticket_id', '=', id).executeTakeFirstOrThrow();
const deadlines = async (id: string) => (await sql<{ sla_due_at: Date | null; sla_warn_at: Date | null; sla_policy_id: string | null }>`select sla_due_at, sla_warn_at, sla_policy_id from tickets where id = ${id}::uuid`.execute(db())).rows[0]!;
const newTicket = (o: { ago?: number; priority?: 'low' | 'normal' | 'high' | 'urgent'; email?: string; assigneeId?: string } = {}) => tickets.createTicket(SYSTEM_ACTOR, {
  channel: 'email', subject: 'Parcel late', priority: o.priority ?? 'normal', requester: { email: o.email ?? 'carol@example.com' }, assigneeId: o.assigneeId ?? null,
  message: { direction: 'inbound', authorType: 'customer', bodyText: 'Where is it?', createdAt: new Date(Date.now() - (o.ago ?? 0)) },
});

describe('calendars and policies API', () => {
  it('creates calendars and policies, refusing bad input with field errors', async () => {
    const bad = await api('POST', '/api/support/calendars', { name: 'X', timeZone: 'Mars/Olympus', hours: { ...ALWAYS_OPEN, mon: [{ start: '25:00', end: '10:00' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const pointers = (bad.json() as { errors: { pointer: string }[] }).errors.map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/body/timeZone', '/body/hours/mon/0/start']));
    const closed = await api('POST', '/api/support/calendars', { name: 'Closed', timeZone: 'UTC', hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } });
    expect(closed.statusCode).toBe(400);
    expect(closed.json().detail).toMatch(/at least one day/);

    expect((await api('POST', '/api/support/calendars', { name: 'Always', timeZone: 'UTC', hours: ALWAYS_OPEN }, agent)).statusCode).toBe(403);
    const cal = await api('POST', '/api/support/calendars', { name: 'Always', timeZone: 'UTC', hours: ALWAYS_OPEN });
    expect(cal.statusCode).toBe(201);
    expect(cal.json()).toMatchObject({ isDefault: true, weeklyMinutes: 7 * 24 * 60 });
    expect((await api('POST', '/api/support/calendars', { name: 'always', timeZone: 'UTC', hours: ALWAYS_OPEN })).statusCode).toBe(409);

    const noTargets = await api('POST', '/api/support/sla/policies', { name: 'Empty', targets: {} });
    expect(noTargets.statusCode).toBe(400);
    const badCal = await api('POST', '/api/support/sla/policies', { name: 'P', calendarId: '018f0000-0000-7000-8000-000000000000', targets: { normal: { firstResponse: 60 } } });
    expect(badCal.json().errors[0].pointer).toBe('/body/calendarId');
    const urgentOnly = await api('POST', '/api/support/sla/policies', { name: 'Chat only', channels: ['chat'], targets: { urgent: { firstResponse: 5, resolution: 60 } } });
    const std = await api('POST', '/api/support/sla/policies', { name: 'Standard', targets: { normal: { firstResponse: 60, resolution: 480 }, urgent: { firstResponse: 15, resolution: 120 } } });
    expect(std.statusCode).toBe(201);
    const order = await api('PUT', '/api/support/sla/policies/order', { ids: [std.json().id, urgentOnly.json().id] });
    expect(order.json().items.map((p: { name: string }) => p.name)).toEqual(['Standard', 'Chat only']);
    expect((await api('PUT', '/api/support/sla/policies/order', { ids: [std.json().id] })).statusCode).toBe(400);
    expect((await api('DELETE', `/api/support/calendars/${cal.json().id}`)).statusCode).toBe(409);
    await api('PUT', '/api/support/sla/policies/order', { ids: [urgentOnly.json().id, std.json().id] });
  });
});

describe('SLA clock on tickets', () => {
  it('chooses the first matching policy and keeps the deadlines on the ticket', async () => {
    const { ticket } = await newTicket();
    const s = await slaRow(ticket.id);
    expect(s).toMatchObject({ policy_name: 'Standard', first_response_target: 60, resolution_target: 480, paused_at: null });
    const d = await deadlines(ticket.id);
    expect(d.sla_due_at!.getTime() - ticket.createdAt.getTime()).toBe(60 * 60_000);
    expect(d.sla_warn_at!.getTime() - ticket.createdAt.getTime()).toBe(45 * 60_000);
    const view = await api('GET', `/api/support/tickets/${ticket.id}/sla`, undefined, agent);
    expect(view.json()).toMatchObject({ policyName: 'Standard', paused: false, firstResponse: { targetMinutes: 60, state: 'running' }, resolution: { targetMinutes: 480, state: 'running' } });
    expect(view.json().firstResponse.remainingMinutes).toBeGreaterThan(58);

    // The first public agent reply meets the first response; the resolution is next.
    await tickets.addMessage(me, ticket.id, { direction: 'outbound', authorType: 'agent', bodyText: 'On it' });
    expect((await slaRow(ticket.id)).first_response_ms).toBeLessThan(60_000);
    expect((await deadlines(ticket.id)).sla_due_at!.getTime() - ticket.createdAt.getTime()).toBe(480 * 60_000);
    expect((await api('GET', `/api/support/tickets/${ticket.id}/sla`)).json().firstResponse.state).toBe('met');

    // Pending pauses: no deadline in the inbox, the countdown says paused.
    await tickets.setStatus(me, ticket.id, 'pending');
    expect((await slaRow(ticket.id)).paused_at).not.toBeNull();
    expect(await deadlines(ticket.id)).toMatchObject({ sla_due_at: null, sla_warn_at: null });
    expect((await api('GET', `/api/support/tickets/${ticket.id}/sla`)).json()).toMatchObject({ paused: true, resolution: { state: 'paused', dueAt: null } });
    // The customer answers: the clock runs again, the deadline shifted by the pause.
    await tickets.addMessage(SYSTEM_ACTOR, ticket.id, { direction: 'inbound', authorType: 'customer', bodyText: 'Here is the photo' });
    const resumed = await slaRow(ticket.id);
    expect(resumed.paused_at).toBeNull();
    expect(resumed.paused_ms).toBeGreaterThanOrEqual(0);
    expect((await deadlines(ticket.id)).sla_due_at!.getTime()).toBe(ticket.createdAt.getTime() + 480 * 60_000 + resumed.paused_ms);

    // A priority change picks the targets again; solving records the resolution and clears the deadlines.
    await tickets.change(me, ticket.id, { priority: 'urgent' });
    expect(await slaRow(ticket.id)).toMatchObject({ priority: 'urgent', first_response_target: 15, resolution_target: 120 });
    await tickets.setStatus(me, ticket.id, 'solved');
    const done = await slaRow(ticket.id);
    expect(done.resolution_ms).not.toBeNull();
    expect(await deadlines(ticket.id)).toMatchObject({ sla_due_at: null });
    expect((await api('GET', `/api/support/tickets/${ticket.id}/sla`)).json().resolution.state).toBe('met');
  });

  it('a ticket no policy matches has no targets but its times are still measured', async () => {
    const { ticket } = await newTicket({ priority: 'low' });
    expect(await slaRow(ticket.id)).toMatchObject({ policy_name: 'Standard', first_response_target: null, resolution_target: null });
    await tickets.addMessage(me, ticket.id, { direction: 'outbound', authorType: 'agent', bodyText: 'Hi' });
    expect((await slaRow(ticket.id)).first_response_ms).not.toBeNull();
    expect((await api('GET', `/api/support/tickets/${ticket.id}/sla`)).json()).toMatchObject({ firstResponse: null, resolution: null });
  });

  it('the breach job warns and notifies once per target, set-based and idempotent', async () => {
    // Created 50 minutes ago (first response at risk: 75 % used), and one 2 hours ago (breached).
    const risky = (await newTicket({ ago: 50 * 60_000, assigneeId: agent.userId, email: 'dora@example.com' })).ticket;
    const late = (await newTicket({ ago: 2 * H, assigneeId: agent.userId, email: 'dora@example.com' })).ticket;
    const r1 = await sla.service.checkBreaches();
    expect(r1.breached).toBeGreaterThanOrEqual(1);
    expect(r1.warned).toBeGreaterThanOrEqual(1);
    const again = await sla.service.checkBreaches();
    expect(again).toEqual({ warned: 0, breached: 0 });
    const notes = await db().selectFrom('support_notifications').select(['type', 'ticket_id']).where('user_id', '=', agent.userId).where('type', 'like', 'sla_%').execute();
    expect(notes.filter((n) => n.ticket_id === late.id).map((n) => n.type)).toEqual(['sla_breach']);
    expect(notes.filter((n) => n.ticket_id === risky.id).map((n) => n.type)).toEqual(['sla_warning']);
    expect((await slaRow(late.id)).first_response_breached_at).not.toBeNull();
    const list = (await api('GET', '/api/support/sla/at-risk')).json().items as { ticketId: string; breached: boolean; target: string }[];
    expect(list.find((x) => x.ticketId === late.id)).toMatchObject({ breached: true, target: 'first_response' });
    expect(list.find((x) => x.ticketId === risky.id)).toMatchObject({ breached: false, target: 'first_response' });
    expect(list.findIndex((x) => x.ticketId === late.id)).toBeLessThan(list.findIndex((x) => x.ticketId === risky.id));
    const acts = await db().selectFrom('activities').select(['type', 'properties']).where('customer_id', '=', late.customerId).where('type', '=', 'Ticket SLA Breached').execute();
    expect(acts).toHaveLength(1);
    expect((await api('GET', `/api/support/tickets/${late.id}/sla`)).json().firstResponse).toMatchObject({ state: 'breached' });
    expect((await api('GET', `/api/support/tickets/${late.id}/sla`)).json().firstResponse.remainingMinutes).toBeLessThanOrEqual(-59);
    // A late answer is recorded as missed; the breach stays.
    await tickets.addMessage(me, late.id, { direction: 'outbound', authorType: 'agent', bodyText: 'Sorry for the wait' });
    expect((await api('GET', `/api/support/tickets/${late.id}/sla`)).json().firstResponse.state).toBe('missed');
  });

  it('a segment condition picks a policy for the segment\'s members only', async () => {
    const vip = (await newTicket({ email: 'vip@example.com' })).ticket;
    const seg = '018f0000-0000-7000-8000-00000000a1b2';
    await sql`insert into segments (id, name, definition) values (${seg}, 'VIP', '{}'::jsonb)`.execute(db());
    await sql`insert into segment_members (segment_id, customer_id) values (${seg}, ${vip.customerId})`.execute(db());
    const p = await api('POST', '/api/support/sla/policies', { name: 'VIP', segmentId: seg, targets: { normal: { firstResponse: 15, resolution: 120 } } });
    expect(p.json()).toMatchObject({ segmentName: 'VIP' });
    const ids = (await api('GET', '/api/support/sla/policies')).json().items.map((x: { id: string }) => x.id) as string[];
    await api('PUT', '/api/support/sla/policies/order', { ids: [p.json().id, ...ids.filter((i) => i !== p.json().id)] });
    const again = (await newTicket({ email: 'vip@example.com' })).ticket;
    const other = (await newTicket({ email: 'ivy@example.com' })).ticket;
    expect(await slaRow(again.id)).toMatchObject({ policy_name: 'VIP', first_response_target: 15 });
    expect(await slaRow(other.id)).toMatchObject({ policy_name: 'Standard', first_response_target: 60 });
    await api('DELETE', `/api/support/sla/policies/${p.json().id}`);
  });

  it('a calendar change re-times open tickets through a job', async () => {
    const { ticket } = await newTicket({ email: 'gil@example.com' });
    const before = (await deadlines(ticket.id)).sla_due_at!;
    const cal = (await api('GET', '/api/support/calendars')).json().items.find((c: { name: string }) => c.name === 'Always');
    const today = new Date().toISOString().slice(0, 10);
    const put = await api('PUT', `/api/support/calendars/${cal.id}`, { ...cal, holidays: [{ date: today, name: 'Stocktake', yearly: false }], id: undefined, weeklyMinutes: undefined, createdAt: undefined, updatedAt: undefined });
    expect(put.statusCode).toBe(200);
    expect((await sql`select 1 from graphile_worker.jobs where key = ${`sla-resync:${cal.id}`}`.execute(db())).rows).toHaveLength(1);
    expect(await sla.service.resyncCalendar(cal.id)).toBeGreaterThanOrEqual(1);
    const after = (await deadlines(ticket.id)).sla_due_at!;
    // Today is a holiday now: the hour of first-response time starts at midnight.
    expect(after.getTime()).toBeGreaterThan(before.getTime());
    expect(after.toISOString().slice(0, 10)).not.toBe(today);
    await api('PUT', `/api/support/calendars/${cal.id}`, { name: cal.name, timeZone: cal.timeZone, hours: cal.hours, holidays: [], isDefault: true });
  });

  it('answers 404 for an unknown ticket and 400 for a malformed id', async () => {
    expect((await api('GET', '/api/support/tickets/018f0000-0000-7000-8000-000000000000/sla')).statusCode).toBe(404);
    expect((await api('GET', '/api/support/tickets/nope/sla')).statusCode).toBe(400);
  });
});

describe('CSAT', () => {
  it('sends one survey on solve, records the one-click rating and a comment, on the ticket and the timeline', async () => {
    expect((await api('PUT', '/api/support/csat/settings', { enabled: true, subject: 'How did we do?', intro: 'Rate us', windowDays: 0 })).statusCode).toBe(400);
    expect((await api('PUT', '/api/support/csat/settings', { enabled: true, subject: 'How did we do with #{{ ticket.number }}?', intro: 'Rate us', windowDays: 7 })).statusCode).toBe(200);
    const { ticket } = await newTicket({ email: 'erin@example.com' });
    await tickets.setStatus(me, ticket.id, 'solved');
    const jobs = await sql<{ key: string }>`select key from graphile_worker.jobs where key = ${`csat:${ticket.id}`}`.execute(db());
    expect(jobs.rows).toHaveLength(1);
    expect(await sla.csat.send(ticket.id)).toBe('sent');
    expect(await sla.csat.send(ticket.id)).toBe('skipped');
    const msgs = await db().selectFrom('messages').select(['kind', 'dedupe_key', 'overrides']).where('customer_id', '=', ticket.customerId).execute();
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ kind: 'transactional', dedupe_key: `csat:${ticket.id}` });
    const survey = (await api('GET', `/api/support/tickets/${ticket.id}/csat`)).json();
    expect(survey).toMatchObject({ rating: null });
    // Messaging renders and sends it (outbox transport here): subject from the settings, the five signed links.
    await app.patron.modules.messaging.dispatcher.runOnce();
    const sent = await db().selectFrom('messages').select(['status', 'subject', 'html', 'to_address']).where('dedupe_key', '=', `csat:${ticket.id}`).executeTakeFirstOrThrow();
    expect(sent).toMatchObject({ status: 'sent', subject: `How did we do with #${ticket.number}?`, to_address: 'erin@example.com' });
    expect(sent.html).toContain('Rate us');
    expect(sent.html).toContain('5</span><br>Very satisfied');

    const link = new URL(sla.csat.link(survey.id, 5));
    const page = await app.patron.http!.inject({ method: 'GET', url: link.pathname + link.search });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('We saved your rating: 5 of 5');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    // A scanner's HEAD records nothing; the same click again changes nothing.
    await app.patron.http!.inject({ method: 'HEAD', url: new URL(sla.csat.link(survey.id, 1)).pathname + '?r=1' });
    await app.patron.http!.inject({ method: 'GET', url: link.pathname + link.search });
    const post = await app.patron.http!.inject({ method: 'POST', url: link.pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'rating=4&comment=Fast+%3Cb%3Ehelp%3C%2Fb%3E' });
    expect(post.body).toContain('Your feedback is saved');
    expect(post.body).toContain('Fast &lt;b&gt;help&lt;/b&gt;');
    expect((await api('GET', `/api/support/tickets/${ticket.id}/csat`)).json()).toMatchObject({ rating: 4, comment: 'Fast <b>help</b>' });
    const rated = await db().selectFrom('activities').select('properties').where('customer_id', '=', ticket.customerId).where('type', '=', 'Ticket Rated').execute();
    expect(rated.map((a) => (a.properties as { rating: number }).rating)).toEqual([5, 4]);

    const forged = await app.patron.http!.inject({ method: 'GET', url: `/support/csat/${survey.id}/${'x'.repeat(32)}?r=1` });
    expect(forged.statusCode).toBe(400);
    // Past the window the rating is kept and cannot change.
    await sql`update csat_surveys set sent_at = now() - interval '8 days' where id = ${survey.id}::uuid`.execute(db());
    const late = await app.patron.http!.inject({ method: 'GET', url: new URL(sla.csat.link(survey.id, 1)).pathname + '?r=1' });
    expect(late.body).toContain('This survey has closed');
    expect((await api('GET', `/api/support/tickets/${ticket.id}/csat`)).json().rating).toBe(4);
    expect((await sla.exportCustomer(ticket.customerId)).csatSurveys).toHaveLength(1);
    expect(await sla.eraseCustomer(ticket.customerId)).toEqual({ csatSurveys: 1 });
  });

  it('respects suppressed addresses (transactional, but never to a suppressed address)', async () => {
    const { ticket } = await newTicket({ email: 'hal@example.com' });
    await db().insertInto('suppressions').values({ channel: 'email', address: 'hal@example.com', reason: 'hard_bounce', detail: null, source: 'test', customer_id: ticket.customerId, created_by: 'test' }).execute();
    await tickets.setStatus(me, ticket.id, 'solved');
    expect(await sla.csat.send(ticket.id)).toBe('sent');
    await app.patron.modules.messaging.dispatcher.runOnce();
    expect(await db().selectFrom('messages').select(['status', 'skip_reason']).where('dedupe_key', '=', `csat:${ticket.id}`).executeTakeFirstOrThrow()).toMatchObject({ status: 'skipped' });
  });

  it('skips surveys when turned off', async () => {
    await putSetting(db(), 'support.csat', { enabled: false });
    const { ticket } = await newTicket({ email: 'fay@example.com' });
    await tickets.setStatus(me, ticket.id, 'solved');
    expect((await sql`select 1 from graphile_worker.jobs where key = ${`csat:${ticket.id}`}`.execute(db())).rows).toHaveLength(0);
    expect(await sla.csat.send(ticket.id)).toBe('skipped');
  });
});
