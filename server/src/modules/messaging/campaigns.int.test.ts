import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { newId } from '../../platform/ids.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import type { Campaign, Estimate, Report } from './campaigns.schemas.ts';

let app: TestApp;
let s: Session;
const ids: Record<string, string> = {};
const seg: Record<string, string> = {};
let template: string;
let smsTemplate: string;
let altTemplate: string;

const db = () => app.patron.dbh.db;
const campaigns = () => app.patron.modules.messaging.campaigns;
const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  app.patron.http!.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
const all = (...conditions: unknown[]) => ({ version: 1, root: { kind: 'group', match: 'all', conditions } });

async function customer(name: string, o: { country: string; email?: boolean; tags?: string[]; consent?: boolean; timeZone?: string }) {
  const id = await db().transaction().execute(async (tx) => (await app.patron.modules.customers.service.resolve(tx, {
    identities: [o.email === false ? { kind: 'external', value: `ext-${name}`, verified: true } : { kind: 'email', value: `${name}@shop.test`, verified: true }],
    profile: { firstName: name, country: o.country, ...(o.tags ? { tags: o.tags } : {}), ...(o.timeZone ? { timeZone: o.timeZone } : {}) }, source: 'test', actor: SYSTEM_ACTOR,
  })).customerId);
  if (o.consent) {
    await db().transaction().execute((tx) => app.patron.modules.customers.consent.set(tx, { actor: SYSTEM_ACTOR, method: 'api', customerId: id, channel: 'email', status: 'subscribed', source: 'test' }));
  }
  ids[name] = id;
  return id;
}

/** Many consented customers at once (straight into the tables: this is about campaigns, not profiles). */
async function crowd(country: string, n: number, timeZone: string | null = null): Promise<string[]> {
  const rows = Array.from({ length: n }, (_, i) => ({ id: newId(), email: `${country.toLowerCase()}${i}-${newId().slice(-6)}@crowd.test` }));
  await sql`insert into customers (id, email, country, time_zone, source) select u.id, u.email, ${country}, ${timeZone}, 'test' from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.email)}::text[]) as u(id, email)`.execute(db());
  await sql`insert into customer_consents (customer_id, channel, status, source, updated_at, event_id) select u.id, 'email', 'subscribed', 'test', now(), gen_random_uuid() from unnest(${rows.map((r) => r.id)}::uuid[]) as u(id)`.execute(db());
  return rows.map((r) => r.id);
}

async function segment(name: string, definition: unknown): Promise<string> {
  const r = await inject('POST', '/api/segments', { name, definition });
  expect(r.statusCode).toBe(201);
  return (seg[name] = (r.json() as { id: string }).id);
}

async function newTemplate(name: string, channel: 'email' | 'sms'): Promise<string> {
  const id = newId();
  await db().insertInto('message_templates').values({
    id, name, channel, kind: 'marketing', format: channel === 'email' ? 'html' : 'text', subject: channel === 'email' ? 'Hello {{ customer.first_name }}' : '', body: channel === 'email' ? '<p>Hi</p>' : 'Hi', sender_id: null, starter: null, archived_at: null, created_by: 'test',
  }).execute();
  return id;
}

async function create(body: Record<string, unknown>): Promise<Campaign> {
  const r = await inject('POST', '/api/messaging/campaigns', { templateId: template, ...body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as Campaign;
}

/** Sends a draft and runs its start job as the worker would. */
async function sendAndStart(c: Campaign): Promise<Campaign> {
  const r = await inject('POST', `/api/messaging/campaigns/${c.id}/send`);
  expect(r.statusCode, r.body).toBe(200);
  const scheduled = r.json() as Campaign;
  await campaigns().runner.start(c.id, new Date(scheduled.startAt!).toISOString());
  return (await inject('GET', `/api/messaging/campaigns/${c.id}`)).json() as Campaign;
}

const messagesOf = (campaignId: string) => db().selectFrom('messages').selectAll().where('campaign_id', '=', campaignId).orderBy('customer_id').execute();

beforeAll(async () => {
  app = await startTestApp();
  s = await loginAs(app, 'marketer');
  await customer('alice', { country: 'GB', tags: ['vip'], consent: true, timeZone: 'Europe/London' });
  await customer('bob', { country: 'GB', consent: true, timeZone: 'America/New_York' });
  await customer('carol', { country: 'FR', tags: ['vip'], consent: true });
  await customer('dave', { country: 'GB' });
  await customer('erin', { country: 'GB', tags: ['excluded'], consent: true });
  await customer('frank', { country: 'GB', consent: true });
  await customer('gina', { country: 'GB', email: false });
  await customer('nobody', { country: 'ES' });
  await db().insertInto('suppressions').values({ channel: 'email', address: 'frank@shop.test', reason: 'hard_bounce', detail: null, source: 'test', customer_id: ids.frank!, created_by: 'test' }).execute();
  await segment('GB', all({ kind: 'field', field: 'country', op: 'is', value: 'GB' }));
  await segment('VIP', all({ kind: 'field', field: 'tags', op: 'hasAny', value: ['vip'] }));
  await segment('Excluded', all({ kind: 'field', field: 'tags', op: 'hasAny', value: ['excluded'] }));
  await segment('Spain', all({ kind: 'field', field: 'country', op: 'is', value: 'ES' }));
  template = await newTemplate('Spring sale', 'email');
  altTemplate = await newTemplate('Spring sale (bold)', 'email');
  smsTemplate = await newTemplate('Spring SMS', 'sms');
});
afterAll(async () => app?.close());

describe('audience', () => {
  it('is the included segments’ members once each, minus the excluded ones, with consent, suppressions and addresses counted', async () => {
    const r = await inject('POST', '/api/messaging/campaigns/estimate', { include: [seg.GB, seg.VIP], exclude: [seg.Excluded] });
    expect(r.statusCode, r.body).toBe(200);
    // alice (GB and VIP: once), bob, carol, dave, frank, gina; erin excluded.
    expect(r.json() as Estimate).toEqual({ total: 6, withAddress: 5, consented: 4, suppressed: 1, recipients: 3 });
    const noExclusion = (await inject('POST', '/api/messaging/campaigns/estimate', { include: [seg.GB] })).json() as Estimate;
    expect(noExclusion).toEqual({ total: 6, withAddress: 5, consented: 4, suppressed: 1, recipients: 3 }); // alice bob dave erin frank gina; erin is sendable
  });

  it('names an unknown segment', async () => {
    const ghost = '01900000-0000-7000-8000-00000000dead';
    const r = await inject('POST', '/api/messaging/campaigns/estimate', { include: [seg.GB], exclude: [ghost] });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json().errors[0]).toMatchObject({ pointer: '/body/exclude/0', detail: expect.stringContaining(ghost) });
  });
});

describe('bad input', () => {
  const errorsOf = async (body: Record<string, unknown>) => {
    const r = await inject('POST', '/api/messaging/campaigns', { name: 'Bad', templateId: template, include: [seg.GB], ...body });
    expect(r.statusCode, r.body).toBe(400);
    return (r.json() as { errors: { pointer: string; detail: string }[] }).errors;
  };

  it('refuses unknown templates and segments, a template of the other channel, a past time, identical variants', async () => {
    const ghost = '01900000-0000-7000-8000-00000000beef';
    expect((await errorsOf({ templateId: ghost }))[0]).toMatchObject({ pointer: '/body/templateId', detail: `no template ${ghost}` });
    expect((await errorsOf({ templateId: smsTemplate }))[0]!.detail).toContain('SMS template, but the campaign is sent by email');
    expect((await errorsOf({ include: [seg.GB, ghost] }))[0]).toMatchObject({ pointer: '/body/include/1', detail: expect.stringContaining(ghost) });
    expect((await errorsOf({ exclude: [seg.GB] }))[0]!.detail).toContain('both included and excluded');
    expect((await errorsOf({ schedule: { mode: 'at', sendAt: '2020-01-01T09:00:00Z' } }))[0]).toMatchObject({ pointer: '/body/schedule/sendAt', detail: expect.stringContaining('in the past') });
    expect((await errorsOf({ schedule: { mode: 'local', date: '2020-01-01', time: '09:00' } }))[0]!.detail).toContain('already passed in every time zone');
    expect((await errorsOf({ schedule: { mode: 'local', date: '2030-01-01', time: '25:00' } }))[0]!.pointer).toBe('/body/schedule/time');
    const ab = (variants: unknown[], extra: Record<string, unknown> = {}) => ({ abTest: { variants, testPercent: 20, metric: 'opens', waitHours: 4, ...extra } });
    expect((await errorsOf(ab([{ subject: 'Same' }, { subject: 'Same' }])))[0]).toMatchObject({ pointer: '/body/abTest/variants/1', detail: expect.stringContaining('same as variant A') });
    expect((await errorsOf(ab([{ subject: 'One' }])))[0]!.pointer).toBe('/body/abTest/variants');
    expect((await errorsOf(ab([{ subject: 'A' }, { subject: 'B' }], { testPercent: 0 })))[0]!.pointer).toBe('/body/abTest/testPercent');
    expect((await errorsOf(ab([{ subject: 'A' }, { subject: 'B' }], { testPercent: 120 })))[0]!.pointer).toBe('/body/abTest/testPercent');
  });

  it('refuses a send to an audience where no one has marketing consent, and an incomplete campaign', async () => {
    const c = await create({ name: 'Spain', include: [seg.Spain] });
    const r = await inject('POST', `/api/messaging/campaigns/${c.id}/send`);
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ type: '/problems/no-consented-recipients', detail: expect.stringContaining('No recipient has email marketing consent') });
    expect(((await inject('GET', `/api/messaging/campaigns/${c.id}`)).json() as Campaign).status).toBe('draft');
    const empty = await create({ name: 'Nothing chosen' });
    const e = await inject('POST', `/api/messaging/campaigns/${empty.id}/send`);
    expect(e.statusCode).toBe(422);
    expect(e.json().detail).toContain('choose at least one segment');
  });
});

describe('sending', () => {
  it('freezes the audience and enqueues each recipient once, even when started twice; then it can no longer be edited', async () => {
    const c = await create({ name: 'Spring', include: [seg.GB, seg.VIP], exclude: [seg.Excluded] });
    const started = await sendAndStart(c);
    expect(started).toMatchObject({ status: 'sending', audience: { total: 6, consented: 4, suppressed: 1, recipients: 3, test: 0, held: 0 } });
    let msgs = await messagesOf(c.id);
    expect(msgs.map((m) => m.customer_id).sort()).toEqual([ids.alice, ids.bob, ids.carol].sort());
    expect(msgs.every((m) => m.dedupe_key === `campaign:${c.id}:${m.customer_id}` && m.status === 'queued' && m.kind === 'marketing' && m.purpose === 'campaign' && m.template_id === template)).toBe(true);
    // The job again (a retry, or a duplicate delivery of it): nothing new.
    await campaigns().runner.start(c.id, new Date(started.startAt!).toISOString());
    await campaigns().runner.start(c.id, new Date(started.startAt!).toISOString());
    msgs = await messagesOf(c.id);
    expect(msgs).toHaveLength(3);
    expect((await inject('PATCH', `/api/messaging/campaigns/${c.id}`, { name: 'Renamed' })).statusCode).toBe(409);
    expect((await inject('POST', `/api/messaging/campaigns/${c.id}/send`)).statusCode).toBe(409);
    expect((await inject('DELETE', `/api/messaging/campaigns/${c.id}`)).statusCode).toBe(409);
    // The dispatcher records sends: the campaign is sent when its last message is, not before.
    const sendSome = (ids: string[]) => db().transaction().execute(async (tx) => {
      const rows = await tx.updateTable('messages').set({ status: 'sent', sent_at: new Date() }).where('id', 'in', ids).returningAll().execute();
      await campaigns().runner.onSent(tx, rows);
    });
    await sendSome(msgs.slice(0, 2).map((m) => m.id));
    expect(((await inject('GET', `/api/messaging/campaigns/${c.id}`)).json() as Campaign).status).toBe('sending');
    await sendSome([msgs[2]!.id]);
    expect(((await inject('GET', `/api/messaging/campaigns/${c.id}`)).json() as Campaign)).toMatchObject({ status: 'sent', stats: { recipients: 3, sent: 3 } });
  });

  it('sends at the same local time in each recipient’s zone, across a DST change', async () => {
    const ny = await crowd('US', 2, 'America/New_York');
    const uk = await crowd('UK', 2, 'Europe/London');
    const us = await segment('US+UK', { version: 1, root: { kind: 'group', match: 'any', conditions: [{ kind: 'field', field: 'country', op: 'is', value: 'US' }, { kind: 'field', field: 'country', op: 'is', value: 'UK' }] } });
    const c = await create({ name: 'Local', include: [us], schedule: { mode: 'local', date: '2030-03-31', time: '10:00' } });
    const r = await inject('POST', `/api/messaging/campaigns/${c.id}/send`);
    expect(r.statusCode, r.body).toBe(200);
    // Starts before London, the earliest zone of this audience, reaches 10:00 (BST, 09:00Z).
    expect(new Date((r.json() as Campaign).startAt!).getTime()).toBe(new Date('2030-03-31T09:00:00Z').getTime() - 10 * 60_000);
    await campaigns().runner.start(c.id, new Date((r.json() as Campaign).startAt!).toISOString());
    const at = new Map((await messagesOf(c.id)).map((m) => [m.customer_id, m.send_after.toISOString()]));
    for (const id of uk) expect(at.get(id)).toBe('2030-03-31T09:00:00.000Z');
    for (const id of ny) expect(at.get(id)).toBe('2030-03-31T14:00:00.000Z');
  });

  it('throttles: no hour holds more than the limit', async () => {
    const people = await crowd('DE', 12);
    const de = await segment('Germany', all({ kind: 'field', field: 'country', op: 'is', value: 'DE' }));
    const c = await create({ name: 'Slow', include: [de], throttlePerHour: 5 });
    await sendAndStart(c);
    const times = (await messagesOf(c.id)).map((m) => m.send_after.getTime()).sort((a, b) => a - b);
    expect(times).toHaveLength(people.length);
    const first = times[0]!;
    expect(times.map((t) => Math.round((t - first) / 60_000))).toEqual(Array.from({ length: 12 }, (_, i) => i * 12));
  });

  it('cancel leaves nothing queued and stops a scheduled start', async () => {
    const c = await create({ name: 'To cancel', include: [seg.GB] });
    await sendAndStart(c);
    expect((await messagesOf(c.id)).filter((m) => m.status === 'queued')).toHaveLength(3);
    const r = await inject('POST', `/api/messaging/campaigns/${c.id}/cancel`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ status: 'cancelled' });
    expect((await messagesOf(c.id)).map((m) => m.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect((await inject('POST', `/api/messaging/campaigns/${c.id}/cancel`)).statusCode).toBe(409);

    const later = await create({ name: 'Tomorrow', include: [seg.GB], schedule: { mode: 'at', sendAt: new Date(Date.now() + 86_400_000).toISOString() } });
    const scheduled = (await inject('POST', `/api/messaging/campaigns/${later.id}/send`)).json() as Campaign;
    expect(scheduled.status).toBe('scheduled');
    expect((await inject('POST', `/api/messaging/campaigns/${later.id}/cancel`)).json()).toMatchObject({ status: 'cancelled' });
    await campaigns().runner.start(later.id, new Date(scheduled.startAt!).toISOString());
    expect(await messagesOf(later.id)).toHaveLength(0);
  });

  it('unscheduling returns a draft, and the old start job does nothing', async () => {
    const c = await create({ name: 'Maybe', include: [seg.GB], schedule: { mode: 'at', sendAt: new Date(Date.now() + 86_400_000).toISOString() } });
    const scheduled = (await inject('POST', `/api/messaging/campaigns/${c.id}/send`)).json() as Campaign;
    expect((await inject('PATCH', `/api/messaging/campaigns/${c.id}`, { name: 'x' })).statusCode).toBe(409);
    expect((await inject('POST', `/api/messaging/campaigns/${c.id}/unschedule`)).json()).toMatchObject({ status: 'draft', startAt: null });
    await campaigns().runner.start(c.id, new Date(scheduled.startAt!).toISOString());
    expect(await messagesOf(c.id)).toHaveLength(0);
    expect((await inject('PATCH', `/api/messaging/campaigns/${c.id}`, { name: 'Definitely' })).json()).toMatchObject({ name: 'Definitely', status: 'draft' });
    expect((await inject('DELETE', `/api/messaging/campaigns/${c.id}`)).statusCode).toBe(204);
  });
});

describe('A/B test', () => {
  let nl: string;
  beforeAll(async () => {
    await crowd('NL', 40);
    nl = await segment('Netherlands', all({ kind: 'field', field: 'country', op: 'is', value: 'NL' }));
  });

  const setup = async (metric: 'opens' | 'clicks' | 'revenue') => {
    const c = await create({ name: `AB ${metric}`, include: [nl], abTest: { variants: [{ subject: 'Plain' }, { subject: 'Bold', templateId: altTemplate }], testPercent: 50, metric, waitHours: 2 } });
    const started = await sendAndStart(c);
    expect(started.audience).toMatchObject({ recipients: 40, test: 20, held: 20 });
    expect(new Date(started.testEndsAt!).getTime()).toBeGreaterThan(Date.now() + 3600_000);
    const msgs = await messagesOf(c.id);
    expect(msgs.filter((m) => m.variant === 'A')).toHaveLength(10);
    const b = msgs.filter((m) => m.variant === 'B');
    expect(b).toHaveLength(10);
    expect(b.every((m) => m.template_id === altTemplate && (m.overrides as { subject: string }).subject === 'Bold')).toBe(true);
    // The test messages go out.
    await db().updateTable('messages').set({ status: 'sent', sent_at: new Date() }).where('campaign_id', '=', c.id).execute();
    return { c, a: msgs.filter((m) => m.variant === 'A').map((m) => m.id), b: b.map((m) => m.id) };
  };
  const event = (messageId: string, type: 'opened' | 'clicked', isBot = false) =>
    db().insertInto('message_events').values({ id: newId(), message_id: messageId, customer_id: null, type, url: type === 'clicked' ? 'https://shop.test/spring' : null, is_bot: isBot, data: '{}' }).execute();

  it('gives the rest the variant with more human opens (machine opens do not count), each recipient once', async () => {
    const { c, a, b } = await setup('opens');
    for (const id of a.slice(0, 2)) await event(id, 'opened');
    for (const id of b.slice(0, 5)) await event(id, 'opened', true); // a mail scanner: more events, but not people
    // As the engagement part records them: the first open is set from people's opens only.
    await db().updateTable('messages').set({ opened_at: new Date() }).where('id', 'in', a.slice(0, 2)).execute();
    await campaigns().runner.pickWinner(c.id);
    await campaigns().runner.pickWinner(c.id); // a retry changes nothing
    const msgs = await messagesOf(c.id);
    expect(msgs).toHaveLength(40);
    expect(msgs.filter((m) => m.variant === 'A')).toHaveLength(30);
    expect(new Set(msgs.map((m) => m.customer_id)).size).toBe(40);
    expect((await inject('GET', `/api/messaging/campaigns/${c.id}`)).json()).toMatchObject({ winner: 'A' });
  });

  it('by clicks picks B; a tie goes to A', async () => {
    const { c, b } = await setup('clicks');
    await event(b[0]!, 'clicked');
    await db().updateTable('messages').set({ clicked_at: new Date() }).where('id', '=', b[0]!).execute();
    await campaigns().runner.pickWinner(c.id);
    expect((await messagesOf(c.id)).filter((m) => m.variant === 'B')).toHaveLength(30);
    const tie = await setup('clicks');
    await campaigns().runner.pickWinner(tie.c.id);
    expect(((await inject('GET', `/api/messaging/campaigns/${tie.c.id}`)).json() as Campaign).winner).toBe('A');
  });

  it('by revenue picks the variant that earned more per recipient, and the report shows it per variant', async () => {
    const { c, a, b } = await setup('revenue');
    const attribute = async (messageId: string, total: number) => {
      const m = await db().selectFrom('messages').select(['customer_id']).where('id', '=', messageId).executeTakeFirstOrThrow();
      const orderId = newId();
      await sql`insert into orders (id, source, external_id, customer_id, status, currency, total, placed_at) values (${orderId}, 'test', ${orderId}, ${m.customer_id}, 'completed', 'USD', ${total}, now())`.execute(db());
      await sql`insert into message_attributions (order_id, message_id, customer_id, campaign_id, variant, touch, touched_at, revenue_minor, currency, ordered_at)
        select ${orderId}, id, customer_id, campaign_id, variant, 'click', now(), ${total}, 'USD', now() from messages where id = ${messageId}`.execute(db());
    };
    await attribute(a[0]!, 1000);
    await attribute(a[1]!, 1000);
    await attribute(b[0]!, 5000);
    await event(a[0]!, 'clicked');
    await event(a[0]!, 'clicked');
    await campaigns().runner.pickWinner(c.id);
    const report = (await inject('GET', `/api/messaging/campaigns/${c.id}/report`)).json() as Report;
    expect(report).toMatchObject({ recipients: 40, sent: 20, queued: 20, orders: 3, revenueMinor: 7000, currency: 'USD', attributionAvailable: true });
    expect(report.variants.map((v) => [v.key, v.recipients, v.sent, v.orders, v.revenueMinor, v.winner])).toEqual([['A', 10, 10, 2, 2000, false], ['B', 30, 10, 1, 5000, true]]);
    expect(report.links).toEqual([{ url: 'https://shop.test/spring', clicks: 2, uniqueClickers: 1 }]);
    expect(report.rates.conversion).toBeCloseTo(3 / 20);
    expect(report.timeline.bucket).toBe('hour');
    expect(report.timeline.points.reduce((n, p) => n + p.sent, 0)).toBe(20);
    const perf = (await inject('GET', '/api/messaging/campaigns/performance')).json() as { items: { id: string; conversionRate: number }[] };
    expect(perf.items.find((i) => i.id === c.id)?.conversionRate).toBeCloseTo(3 / 20);
  });
});

describe('reports', () => {
  it('counts delivery, skips by reason, unsubscribes and complaints', async () => {
    const c = await create({ name: 'Reported', include: [seg.GB, seg.VIP] });
    await sendAndStart(c);
    const [m1, m2, m3, m4] = await messagesOf(c.id);
    const now = new Date();
    await db().updateTable('messages').set({ status: 'sent', sent_at: now, delivered_at: now }).where('id', 'in', [m1!.id, m2!.id]).execute();
    await db().updateTable('messages').set({ unsubscribed_at: now, complained_at: now }).where('id', '=', m2!.id).execute();
    await db().updateTable('messages').set({ status: 'skipped', skip_reason: 'no_consent' }).where('id', '=', m3!.id).execute();
    await db().updateTable('messages').set({ status: 'sent', sent_at: now, bounced_at: now, bounce_type: 'hard' }).where('id', '=', m4!.id).execute();
    // The last one was skipped, not sent: the minutely settle job finishes the campaign.
    expect(await campaigns().runner.settle()).toBeGreaterThanOrEqual(1);
    expect(((await inject('GET', `/api/messaging/campaigns/${c.id}`)).json() as Campaign).status).toBe('sent');
    const r = (await inject('GET', `/api/messaging/campaigns/${c.id}/report`)).json() as Report;
    expect(r).toMatchObject({ recipients: 4, sent: 3, delivered: 2, bounced: 1, skipped: 1, unsubscribed: 1, complained: 1, queued: 0, skippedByReason: [{ reason: 'no_consent', count: 1 }] });
    expect(r.rates.delivery).toBeCloseTo(2 / 3);
    expect(r.rates.unsubscribe).toBeCloseTo(1 / 2);
    const list = (await inject('GET', '/api/messaging/campaigns')).json() as { items: Campaign[] };
    expect(list.items.find((x) => x.id === c.id)?.stats).toMatchObject({ recipients: 4, sent: 3 });
  });

  it('duplicates any campaign as a fresh draft', async () => {
    const c = await create({ name: 'Original', include: [seg.GB], throttlePerHour: 100 });
    await sendAndStart(c);
    const r = await inject('POST', `/api/messaging/campaigns/${c.id}/duplicate`);
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ name: 'Original (copy)', status: 'draft', include: [seg.GB], throttlePerHour: 100, templateId: template, audience: null, startedAt: null });
  });
});
