import http from 'node:http';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { newId } from '../../platform/ids.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import type { SendRequest } from './send.types.ts';

let app: TestApp;
let s: Session;
let smtp: SMTPServer;
let smtpPort = 0;
const received: ParsedMail[] = [];
/** What the SMTP server does with the next messages: accept, or reject with a code. */
let smtpMode: 'accept' | 'reject550' | 'reject451' = 'accept';
const ids: Record<string, string> = {};
let templateId = '';

const inject = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  app.patron.http!.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

const m = () => app.patron.modules.messaging;
const db = () => app.patron.dbh.db;

async function enqueue(req: Partial<SendRequest> & { customerId: string }) {
  return db().transaction().execute((tx) => m().sender.enqueue(tx, {
    channel: 'email', kind: 'marketing', purpose: 'campaign', dedupeKey: `t:${newId()}`, templateId, ...req,
  }));
}
const row = (id: string) => db().selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (smtpMode === 'reject550') return cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        if (smtpMode === 'reject451') return cb(Object.assign(new Error('try again later'), { responseCode: 451 }));
        void simpleParser(Buffer.concat(chunks)).then((p) => {
          received.push(p);
          cb();
        });
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  smtpPort = (smtp.server.address() as { port: number }).port;

  // No worker: the test drives the dispatcher batch by batch.
  app = await startTestApp({ worker: false });
  s = await loginAs(app, 'owner');
  await m().start();
  await m().dispatcher.stop();
  for (const [name, consent] of [['ann', 'subscribed'], ['bob', null], ['cat', 'unsubscribed']] as const) {
    const r = await db().transaction().execute(async (tx) => {
      const x = await app.patron.modules.customers.service.resolve(tx, {
        identities: [{ kind: 'email', value: `${name}@shop.test`, verified: true }], profile: { firstName: name, timeZone: 'Europe/Paris' }, source: 'test', actor: SYSTEM_ACTOR,
      });
      if (consent) await app.patron.modules.customers.consent.set(tx, { customerId: x.customerId, channel: 'email', status: consent, method: 'admin', source: 'test', actor: SYSTEM_ACTOR });
      return x;
    });
    ids[name] = r.customerId;
  }
  templateId = newId();
  await db().insertInto('message_templates').values({
    id: templateId, name: 'Hello', channel: 'email', kind: 'marketing', format: 'mjml', subject: 'Hello {{ customer.first_name }}', preheader: 'News',
    body: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ customer.first_name }}, see <a href="https://shop.test/new">new things</a>.</mj-text><mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>',
    created_by: 'test',
  }).execute();
});

afterAll(async () => {
  await app?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

beforeEach(async () => {
  smtpMode = 'accept';
  received.length = 0;
  await db().updateTable('messages').set({ status: 'cancelled' }).where('status', '=', 'queued').execute();
  await db().deleteFrom('messages').execute();
  await db().deleteFrom('suppressions').execute();
});

describe('outbox (no SMTP server)', () => {
  it('keeps rendered messages viewable, sends marketing only with consent, records Email Sent', async () => {
    const a = await enqueue({ customerId: ids.ann! });
    const b = await enqueue({ customerId: ids.bob! });
    const c = await enqueue({ customerId: ids.cat! });
    expect(await m().dispatcher.runOnce()).toBe(3);
    expect(await row(a.id)).toMatchObject({ status: 'sent', transport: 'outbox', subject: 'Hello ann', to_address: 'ann@shop.test' });
    expect(await row(b.id)).toMatchObject({ status: 'skipped', skip_reason: 'no_consent' });
    expect(await row(c.id)).toMatchObject({ status: 'skipped', skip_reason: 'no_consent' });

    const list = await inject('GET', `/api/messaging/messages?customerId=${ids.ann}`);
    expect(list.statusCode).toBe(200);
    const detail = await inject('GET', `/api/messaging/messages/${a.id}`);
    const d = detail.json() as { html: string; text: string; headers: Record<string, string> };
    expect(d.html).toContain('Hi ann');
    expect(d.text).toContain('Hi ann');
    expect(d.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const acts = await db().selectFrom('activities').select(['type', 'properties']).where('customer_id', '=', ids.ann!).where('type', '=', 'Email Sent').execute();
    expect(acts.length).toBe(1);
  });

  it('sends transactional mail without consent, but not to a suppressed address', async () => {
    const t = await enqueue({ customerId: ids.bob!, kind: 'transactional', purpose: 'transactional' });
    await db().insertInto('suppressions').values({ channel: 'email', address: 'cat@shop.test', reason: 'hard_bounce', source: 'test', created_by: 'test' }).execute();
    const u = await enqueue({ customerId: ids.cat!, kind: 'transactional', purpose: 'transactional' });
    await m().dispatcher.runOnce();
    expect((await row(t.id)).status).toBe('sent');
    expect(await row(u.id)).toMatchObject({ status: 'skipped', skip_reason: 'suppressed' });
  });

  it('a dedupe key is used once; smart sending skips a second marketing message in the same batch', async () => {
    const key = `campaign:x:${ids.ann}`;
    const first = await enqueue({ customerId: ids.ann!, dedupeKey: key });
    const again = await enqueue({ customerId: ids.ann!, dedupeKey: key });
    expect(again).toEqual({ id: first.id, created: false });
    const other = await enqueue({ customerId: ids.ann!, dedupeKey: 'campaign:y:' + ids.ann });
    await m().dispatcher.runOnce();
    const statuses = [(await row(first.id)).status, (await row(other.id)).status].sort();
    expect(statuses).toEqual(['sent', 'skipped']);
    expect((await row(other.id)).skip_reason ?? (await row(first.id)).skip_reason).toBe('smart_sending');
  });

  it('a message left in hand-off by a dead process becomes uncertain and is never resent', async () => {
    const a = await enqueue({ customerId: ids.ann! });
    await db().updateTable('messages').set({ status: 'sending', claimed_at: new Date(Date.now() - 11 * 60_000) }).where('id', '=', a.id).execute();
    expect(await m().dispatcher.sweep()).toBe(1);
    expect(await m().dispatcher.runOnce()).toBe(0);
    expect((await row(a.id)).status).toBe('uncertain');
  });
});

describe('SMTP', () => {
  beforeAll(async () => {
    const r = await inject('PUT', '/api/messaging/settings/smtp', { host: '127.0.0.1', port: smtpPort, security: 'none', poolSize: 2, ratePerSecond: 100 });
    expect(r.statusCode).toBe(200);
    expect((r.json() as { emailMode: string }).emailMode).toBe('smtp');
    const sender = await inject('POST', '/api/messaging/senders', { name: 'Main', fromName: 'Shop Test', fromEmail: 'hello@shop.test' });
    expect(sender.statusCode).toBe(201);
  });
  afterAll(async () => {
    await inject('DELETE', '/api/messaging/settings/smtp');
  });

  it('delivers to a real SMTP server with text part, Message-ID and RFC 8058 headers', async () => {
    const test = await inject('POST', '/api/messaging/settings/smtp/test');
    expect(test.json()).toMatchObject({ ok: true });
    const a = await enqueue({ customerId: ids.ann! });
    await m().dispatcher.runOnce();
    expect(await row(a.id)).toMatchObject({ status: 'sent', transport: 'smtp' });
    expect(received.length).toBe(1);
    const mail = received[0]!;
    expect(mail.subject).toBe('Hello ann');
    expect(mail.from?.text).toContain('hello@shop.test');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toContain('ann@shop.test');
    expect(mail.text).toContain('Hi ann');
    expect(mail.html || '').toContain('/m/o/');
    expect(mail.messageId).toBe(`<${a.id}@shop.test>`);
    // mailparser folds List-* headers into one object: read the raw lines.
    const line = (k: string) => mail.headerLines.find((h) => h.key === k)?.line ?? '';
    expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(line('list-unsubscribe').replace(/\r\n\s+/g, ' ')).toMatch(/^List-Unsubscribe: <http:\/\/localhost:\d+\/m\/u\//);
    expect(String(mail.headers.get('x-patron-message-id'))).toBe(a.id);
  });

  it('a 451 is retried later, a 550 fails, and neither sends twice', async () => {
    smtpMode = 'reject451';
    const a = await enqueue({ customerId: ids.ann! });
    await m().dispatcher.runOnce();
    const r1 = await row(a.id);
    expect(r1.status).toBe('queued');
    expect(r1.send_after.getTime()).toBeGreaterThan(Date.now() + 30_000);
    expect(r1.last_error).toContain('try again later');
    expect(await m().dispatcher.runOnce()).toBe(0);

    smtpMode = 'reject550';
    const b = await enqueue({ customerId: ids.ann!, kind: 'transactional', purpose: 'transactional' });
    await m().dispatcher.runOnce();
    expect(await row(b.id)).toMatchObject({ status: 'failed' });
    expect(received.length).toBe(0);
  });

  it('SMTP down: the message waits for a retry with the error logged', async () => {
    await inject('PUT', '/api/messaging/settings/smtp', { host: '127.0.0.1', port: 1, security: 'none' });
    const a = await enqueue({ customerId: ids.ann!, kind: 'transactional', purpose: 'transactional' });
    await m().dispatcher.runOnce();
    const r = await row(a.id);
    expect(r.status).toBe('queued');
    expect(r.attempts).toBe(1);
    expect(r.last_error).toBeTruthy();
    await inject('PUT', '/api/messaging/settings/smtp', { host: '127.0.0.1', port: smtpPort, security: 'none' });
  });
});

describe('SMS gateway', () => {
  it('posts the rendered text to the gateway with its auth header, keeps the provider id, and retries a 503', async () => {
    const calls: { auth: string | undefined; body: Record<string, string> }[] = [];
    let status = 200;
    const gw = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        calls.push({ auth: req.headers.authorization, body: JSON.parse(raw) as Record<string, string> });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { sid: `SM${calls.length}` } }));
      });
    });
    await new Promise<void>((resolve) => gw.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(gw.address() as { port: number }).port}/send`;
    try {
      const put = await inject('PUT', '/api/messaging/settings/sms', { url, authHeader: 'Bearer gw-secret', from: 'SHOP', providerIdPath: 'data.sid' });
      expect(put.statusCode).toBe(200);
      expect(put.body).not.toContain('gw-secret');
      const smsTemplate = newId();
      await db().insertInto('message_templates').values({ id: smsTemplate, name: 'SMS', channel: 'sms', kind: 'marketing', format: 'text', body: 'Hi {{ customer.first_name }}, your cart is waiting', created_by: 'test' }).execute();
      const dan = await db().transaction().execute(async (tx) => {
        const x = await app.patron.modules.customers.service.resolve(tx, { identities: [{ kind: 'phone', value: '+447700900123', verified: true }], profile: { firstName: 'Dan' }, source: 'test', actor: SYSTEM_ACTOR });
        await app.patron.modules.customers.consent.set(tx, { customerId: x.customerId, channel: 'sms', status: 'subscribed', method: 'admin', source: 'test', actor: SYSTEM_ACTOR });
        return x.customerId;
      });
      const a = await enqueue({ customerId: dan, channel: 'sms', templateId: smsTemplate });
      await m().dispatcher.runOnce();
      expect(await row(a.id)).toMatchObject({ status: 'sent', transport: 'sms-webhook', provider_id: 'SM1', to_address: '+447700900123', text_body: 'Hi Dan, your cart is waiting' });
      expect(calls[0]).toMatchObject({ auth: 'Bearer gw-secret', body: { to: '+447700900123', from: 'SHOP', body: 'Hi Dan, your cart is waiting', reference: a.id } });
      expect(calls[0]!.body.status_callback).toMatch(/\/m\/sms\/receipt\//);

      status = 503;
      const b = await enqueue({ customerId: dan, channel: 'sms', templateId: smsTemplate, kind: 'transactional', purpose: 'transactional' });
      await m().dispatcher.runOnce();
      expect(await row(b.id)).toMatchObject({ status: 'queued', attempts: 1 });
    } finally {
      await inject('DELETE', '/api/messaging/settings/sms');
      await new Promise<void>((resolve) => gw.close(() => resolve()));
    }
  });
});

describe('settings API', () => {
  it('never returns the SMTP password and refuses bad settings with a problem', async () => {
    await inject('PUT', '/api/messaging/settings/smtp', { host: 'smtp.example.com', port: 587, username: 'u', password: 'secret-pass' });
    const r = await inject('GET', '/api/messaging/settings');
    expect(r.body).not.toContain('secret-pass');
    expect((r.json() as { smtp: { hasPassword: boolean } }).smtp.hasPassword).toBe(true);
    const bad = await inject('PUT', '/api/messaging/settings/smtp', { host: '', port: 70000 });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const g = await inject('PUT', '/api/messaging/settings/guardrails', { quietHours: { start: '25:00', end: '08:00' } });
    expect(g.statusCode).toBe(400);
    await inject('DELETE', '/api/messaging/settings/smtp');
  });
});
