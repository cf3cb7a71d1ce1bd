import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { newId } from '../../platform/ids.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { dsn } from './bounces.fixture.ts';
import type { MessageRow } from './messaging.tables.ts';

let app: TestApp;
let s: Session;
let token = '';
const db = () => app.patron.dbh.db;
const http = () => app.patron.http!;

async function customer(name: string): Promise<string> {
  return db().transaction().execute(async (tx) => {
    const r = await app.patron.modules.customers.service.resolve(tx, { identities: [{ kind: 'email', value: `${name}@example.net`, verified: true }], profile: { firstName: name }, source: 'test', actor: SYSTEM_ACTOR });
    await app.patron.modules.customers.consent.set(tx, { customerId: r.customerId, channel: 'email', status: 'subscribed', method: 'admin', source: 'ui', actor: SYSTEM_ACTOR, occurredAt: new Date(Date.now() - 86_400_000) });
    return r.customerId;
  });
}
async function sent(customerId: string, to: string, o: Partial<MessageRow> = {}): Promise<string> {
  const id = newId();
  await db().insertInto('messages').values({
    id, customer_id: customerId, channel: 'email', kind: 'marketing', purpose: 'campaign', dedupe_key: `t:${id}`, status: 'sent', skip_reason: null, send_after: new Date(),
    template_id: null, template_version: null, sender_id: null, campaign_id: null, variant: null, flow_id: null, flow_version: null, flow_run_id: null, flow_step_id: null,
    vars: '{}', overrides: '{}', to_override: null, topic: null, last_error: null, claimed_at: null, transport: 'smtp', to_address: to, from_address: 'news@shop.test',
    subject: 'Sale', html: '<p>x</p>', text_body: 'x', headers: null, provider_id: `<${id}@shop.test>`, sent_at: new Date(Date.now() - 60_000),
    delivered_at: null, opened_at: null, clicked_at: null, bounced_at: null, bounce_type: null, complained_at: null, unsubscribed_at: null, ...o,
  } as never).execute();
  return id;
}
const msg = (id: string) => db().selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const suppression = (address: string) => db().selectFrom('suppressions').selectAll().where('channel', '=', 'email').where('address', '=', address).executeTakeFirst();
const activities = (customerId: string, type: string) => db().selectFrom('activities').select('properties').where('customer_id', '=', customerId).where('type', '=', type).execute();
const inboundCount = async () => Number((await db().selectFrom('message_inbound_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const post = (url: string, body: string | object, headers: Record<string, string> = {}) =>
  http().inject({ method: 'POST', url, headers: { 'content-type': typeof body === 'string' ? 'message/rfc822' : 'application/json', ...headers }, payload: typeof body === 'string' ? body : JSON.stringify(body) });

beforeAll(async () => {
  app = await startTestApp();
  s = await loginAs(app, 'marketer');
  const info = await http().inject({ method: 'GET', url: '/api/messaging/inbound', headers: s.headers });
  expect(info.statusCode).toBe(200);
  token = (info.json() as { token: string }).token;
  expect((info.json() as { dsnUrl: string }).dsnUrl).toMatch(/\/api\/messaging\/inbound\/dsn\?token=/);
});
afterAll(async () => app?.close());

describe('DSN bounces', () => {
  it('a hard bounce suppresses the address, marks the message and appends Email Bounced; a replay changes nothing', async () => {
    const c = await customer('hard');
    const id = await sent(c, 'hard@example.net');
    const body = dsn({ status: '5.1.1', recipient: 'hard@example.net', patronId: id, id: 'hard-1' });
    const r = await post(`/api/messaging/inbound/dsn?token=${token}`, body);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ received: 1, applied: 1, duplicates: 0, unmatched: 0 });
    expect(await msg(id)).toMatchObject({ bounce_type: 'hard' });
    expect((await msg(id)).bounced_at).not.toBeNull();
    expect(await suppression('hard@example.net')).toMatchObject({ reason: 'hard_bounce', source: 'dsn', customer_id: c });
    expect((await activities(c, 'Email Bounced'))[0]!.properties).toMatchObject({ messageId: id, bounceType: 'hard', status: '5.1.1' });
    const again = await post(`/api/messaging/inbound/dsn?token=${token}`, body);
    expect(again.json()).toMatchObject({ applied: 0, duplicates: 1 });
    expect(await activities(c, 'Email Bounced')).toHaveLength(1);
  });

  it('three soft bounces in a row suppress; a delivery in between starts over', async () => {
    const c = await customer('soft');
    const to = 'soft@example.net';
    const bounce = async (n: string) => post(`/api/messaging/inbound/dsn?token=${token}`, dsn({ status: '4.2.2', recipient: to, patronId: await sent(c, to), id: `soft-${n}` }));
    await bounce('1');
    await bounce('2');
    const delivered = await sent(c, to);
    await post(`/api/messaging/inbound/generic?token=${token}`, { events: [{ id: `d-${delivered}`, type: 'delivered', messageId: delivered }] });
    await bounce('3');
    await bounce('4');
    expect(await suppression(to)).toBeUndefined();
    await bounce('5');
    expect(await suppression(to)).toMatchObject({ reason: 'hard_bounce', detail: expect.stringContaining('3 soft bounces in a row') });
  });

  it('refuses a missing or wrong token and a body that is not a DSN, storing nothing', async () => {
    const before = await inboundCount();
    expect((await post('/api/messaging/inbound/dsn', dsn({ status: '5.1.1' }))).statusCode).toBe(401);
    const bad = await post(`/api/messaging/inbound/dsn?token=${'x'.repeat(32)}`, dsn({ status: '5.1.1' }));
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect((await post(`/api/messaging/inbound/dsn?token=${token}`, 'From: a@b.test\nSubject: hi\n\nhello')).statusCode).toBe(400);
    expect(await inboundCount()).toBe(before);
  });
});

describe('provider webhooks', () => {
  it('generic: delivered with the token or a body signature; a bad signature is a 401 and stores nothing', async () => {
    const c = await customer('gen');
    const id = await sent(c, 'gen@example.net');
    const body = JSON.stringify({ events: [{ id: `ev-${id}`, type: 'delivered', providerMessageId: `<${id}@shop.test>` }] });
    const before = await inboundCount();
    const forged = await http().inject({ method: 'POST', url: '/api/messaging/inbound/generic', headers: { 'content-type': 'application/json', 'x-patron-signature': `sha256=${'0'.repeat(64)}` }, payload: body });
    expect(forged.statusCode).toBe(401);
    expect(await inboundCount()).toBe(before);
    const signed = await http().inject({ method: 'POST', url: '/api/messaging/inbound/generic', headers: { 'content-type': 'application/json', 'x-patron-signature': `sha256=${createHmac('sha256', token).update(body).digest('hex')}` }, payload: body });
    expect(signed.json()).toMatchObject({ applied: 1 });
    expect((await msg(id)).delivered_at).not.toBeNull();
    expect(await activities(c, 'Email Delivered')).toHaveLength(1);
    expect((await post(`/api/messaging/inbound/generic?token=${token}`, { events: [{ id: 'x', type: 'bounced' }] })).statusCode).toBe(400);
    expect((await post(`/api/messaging/inbound/nonsense?token=${token}`, { events: [] })).statusCode).toBe(400);
  });

  it('Mailgun (signing key set): a complaint suppresses, unsubscribes and cancels queued marketing; a bad signature is a 401', async () => {
    const key = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';
    await http().inject({ method: 'PATCH', url: '/api/messaging/engagement-settings', headers: s.headers, payload: { mailgunSigningSecret: key } });
    const c = await customer('spam');
    const id = await sent(c, 'spam@example.net');
    const queued = await sent(c, 'spam@example.net', { status: 'queued', sent_at: null });
    const ts = String(Math.floor(Date.now() / 1000));
    const tok = 'b'.repeat(50);
    const body = (signature: string) => ({ signature: { timestamp: ts, token: tok, signature }, 'event-data': { id: `mg-${id}`, event: 'complained', timestamp: Number(ts), recipient: 'spam@example.net', 'user-variables': { patron_message_id: id } } });
    const before = await inboundCount();
    // A valid token does not excuse a wrong signature once the key is set.
    expect((await post(`/api/messaging/inbound/mailgun?token=${token}`, body('f'.repeat(64)))).statusCode).toBe(401);
    expect(await inboundCount()).toBe(before);
    const ok = await post('/api/messaging/inbound/mailgun', body(createHmac('sha256', key).update(ts + tok).digest('hex')));
    expect(ok.json()).toMatchObject({ applied: 1 });
    expect(await suppression('spam@example.net')).toMatchObject({ reason: 'complaint', source: 'mailgun' });
    expect((await app.patron.modules.customers.consent.get(c)).email.status).toBe('unsubscribed');
    expect((await app.patron.modules.customers.consent.history(c))[0]).toMatchObject({ method: 'spam_complaint', source: 'mailgun' });
    expect(await activities(c, 'Email Marked as Spam')).toHaveLength(1);
    expect((await msg(id)).complained_at).not.toBeNull();
    expect((await msg(queued)).status).toBe('cancelled');
    expect((await app.patron.modules.customers.service.get(c)).email).toBe('spam@example.net');
  });

  it('SendGrid (verification key set): a signed bounce found by its Message-ID; an unsigned one is a 401', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await http().inject({ method: 'PATCH', url: '/api/messaging/engagement-settings', headers: s.headers, payload: { sendgridPublicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') } });
    const c = await customer('sg');
    const id = await sent(c, 'sg@example.net');
    const raw = JSON.stringify([{ email: 'sg@example.net', timestamp: 1772359200, 'smtp-id': `<${id}@shop.test>`, event: 'bounce', type: 'bounce', status: '5.1.1', reason: '550 unknown', sg_event_id: `sg-${id}` }]);
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = sign('sha256', Buffer.concat([Buffer.from(ts), Buffer.from(raw)]), privateKey).toString('base64');
    const unsigned = await http().inject({ method: 'POST', url: '/api/messaging/inbound/sendgrid', headers: { 'content-type': 'application/json' }, payload: raw });
    expect(unsigned.statusCode).toBe(401);
    const r = await http().inject({ method: 'POST', url: '/api/messaging/inbound/sendgrid', headers: { 'content-type': 'application/json', 'x-twilio-email-event-webhook-signature': sig, 'x-twilio-email-event-webhook-timestamp': ts }, payload: raw });
    expect(r.json()).toMatchObject({ applied: 1 });
    expect(await msg(id)).toMatchObject({ bounce_type: 'hard' });
    expect(await suppression('sg@example.net')).toMatchObject({ reason: 'hard_bounce', source: 'sendgrid' });
  });

  it('Postmark (token): a bounce without our id is matched by the last message to the address', async () => {
    const c = await customer('pm');
    const id = await sent(c, 'pm@example.net', { provider_id: null });
    const r = await http().inject({ method: 'POST', url: `/api/messaging/inbound/postmark?token=${token}`, headers: { 'content-type': 'application/json' }, payload: `{"RecordType":"Bounce","ID":4323372036854775807,"Type":"HardBounce","Email":"PM@example.net","BouncedAt":"${new Date().toISOString()}","Description":"Unknown user"}` });
    expect(r.json()).toMatchObject({ applied: 1 });
    expect(await msg(id)).toMatchObject({ bounce_type: 'hard' });
    const other = await http().inject({ method: 'POST', url: `/api/messaging/inbound/postmark?token=${token}`, headers: { 'content-type': 'application/json' }, payload: `{"RecordType":"Bounce","ID":4323372036854775808,"Type":"HardBounce","Email":"nobody-known@example.net","BouncedAt":"${new Date().toISOString()}"}` });
    // Another 64-bit id is another event (not a rounding twin of the first); unknown address: suppressed all the same.
    expect(other.json()).toMatchObject({ unmatched: 1, duplicates: 0 });
    expect(await suppression('nobody-known@example.net')).toMatchObject({ reason: 'hard_bounce' });
  });
});

describe('suppressions API', () => {
  it('lists, adds by hand (audited), refuses duplicates and bad addresses, removes (audited)', async () => {
    const add = await http().inject({ method: 'POST', url: '/api/messaging/suppressions', headers: s.headers, payload: { address: ' Manual@Example.NET ', detail: 'Asked by phone' } });
    expect(add.statusCode).toBe(201);
    expect(add.json()).toMatchObject({ channel: 'email', address: 'manual@example.net', reason: 'manual', source: 'ui', detail: 'Asked by phone' });
    expect((await http().inject({ method: 'POST', url: '/api/messaging/suppressions', headers: s.headers, payload: { address: 'manual@example.net' } })).statusCode).toBe(409);
    const bad = await http().inject({ method: 'POST', url: '/api/messaging/suppressions', headers: s.headers, payload: { address: 'not-an-email' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].pointer).toBe('/body/address');

    const list = await http().inject({ method: 'GET', url: '/api/messaging/suppressions?q=manual', headers: s.headers });
    expect(list.json().items.map((i: { address: string }) => i.address)).toEqual(['manual@example.net']);
    expect(list.json().counts.manual).toBe(1);
    const page1 = await http().inject({ method: 'GET', url: '/api/messaging/suppressions?limit=2', headers: s.headers });
    const page2 = await http().inject({ method: 'GET', url: `/api/messaging/suppressions?limit=2&cursor=${page1.json().nextCursor}`, headers: s.headers });
    expect(page2.statusCode).toBe(200);
    expect(page2.json().items[0].address).not.toBe(page1.json().items[1].address);
    expect((await http().inject({ method: 'GET', url: '/api/messaging/suppressions?reason=complaint', headers: s.headers })).json().items.every((i: { reason: string }) => i.reason === 'complaint')).toBe(true);

    const del = await http().inject({ method: 'DELETE', url: `/api/messaging/suppressions/email/${encodeURIComponent('manual@example.net')}`, headers: s.headers });
    expect(del.statusCode).toBe(204);
    expect((await http().inject({ method: 'DELETE', url: '/api/messaging/suppressions/email/manual%40example.net', headers: s.headers })).statusCode).toBe(404);
    const log = await db().selectFrom('audit_log').select(['action', 'summary']).where('action', 'like', 'messaging.suppression_%').orderBy('at').execute();
    expect(log.map((l) => l.action)).toEqual(['messaging.suppression_added', 'messaging.suppression_removed']);
    expect(log[1]!.summary).toContain('manual@example.net');
  });

  it('an analyst can read but not change the list', async () => {
    const a = await loginAs(app, 'analyst');
    expect((await http().inject({ method: 'GET', url: '/api/messaging/suppressions', headers: a.headers })).statusCode).toBe(200);
    expect((await http().inject({ method: 'POST', url: '/api/messaging/suppressions', headers: a.headers, payload: { address: 'x@example.net' } })).statusCode).toBe(403);
    expect((await http().inject({ method: 'GET', url: '/api/messaging/inbound', headers: a.headers })).statusCode).toBe(403);
  });
});
