import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../../platform/audit/audit.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../../testing/harness.ts';
import { OutboundWebhooks } from './outbound.service.ts';

let app: TestApp;
let owner: Session;
const db = () => app.patron.dbh.db;
const svc = () => app.patron.modules.integrations.outbound.service;

interface Received { url: string; headers: http.IncomingHttpHeaders; body: string; at: number }
let received: Received[] = [];
/** What the endpoint answers next; the default is 200. */
let respond: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => void res.writeHead(200).end('ok');
let server: http.Server;
let other: http.Server;
let otherHits = 0;
let base = '';
let otherBase = '';

async function listen(s: http.Server): Promise<string> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  app = await startTestApp({ worker: true });
  owner = await loginAs(app, 'owner');
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      respond(req, res);
    });
  });
  other = http.createServer((_req, res) => {
    otherHits++;
    res.writeHead(200).end();
  });
  base = await listen(server);
  otherBase = (await listen(other)).replace('127.0.0.1', 'localhost');
});
afterAll(async () => {
  await app?.close();
  for (const s of [server, other]) {
    s?.closeAllConnections();
    await new Promise((r) => s?.close(r));
  }
});
beforeEach(() => {
  received = [];
  respond = (_req, res) => void res.writeHead(200).end('ok');
  svc().configure({ timeoutMs: 10_000, disableAfterFailures: 20, disableAfterMs: 24 * 3600_000 });
});

async function until<T>(f: () => Promise<T | undefined | false> | T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function subscribe(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const res = await app.patron.http!.inject({ method: 'POST', url: '/api/webhook-subscriptions', headers: owner.headers, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  const j = res.json() as { subscription: { id: string }; secret: string };
  return { id: j.subscription.id, secret: j.secret };
}

let orderNo = 0;
/** A real business write: an order for a new customer (Customer Created + Order Completed activities). */
async function placeOrder(email = `buyer${++orderNo}@example.com`) {
  return app.patron.modules.commerce.service.upsertOrder(SYSTEM_ACTOR, {
    source: 'api', externalId: `o-${orderNo}-${Date.now()}`, currency: 'USD', status: 'completed', discountTotal: 0, taxTotal: 0, shippingTotal: 0,
    lines: [{ title: 'Mug', quantity: 1, unitPrice: 1250 }], discountCodes: [], placedAt: new Date(), customer: { email },
  }, { verified: true });
}

describe('outbound webhook subscriptions', () => {
  it('validates the URL and activity types, shows the secret once, audits', async () => {
    const bad = async (payload: Record<string, unknown>, pointer: string) => {
      const res = await app.patron.http!.inject({ method: 'POST', url: '/api/webhook-subscriptions', headers: owner.headers, payload });
      expect(res.statusCode, res.body).toBe(400);
      expect((res.json().errors as { pointer: string }[]).map((e) => e.pointer)).toContain(pointer);
    };
    await bad({ url: 'http://example.com/hook', activityTypes: ['*'] }, '/body/url');
    await bad({ url: 'ftp://example.com/hook', activityTypes: ['*'] }, '/body/url');
    await bad({ url: 'not a url', activityTypes: ['*'] }, '/body/url');
    await bad({ url: 'https://user:pw@example.com/hook', activityTypes: ['*'] }, '/body/url');
    await bad({ url: 'https://example.com/hook', activityTypes: [] }, '/body/activityTypes');

    const { id, secret } = await subscribe({ url: 'https://example.com/hook', description: 'CRM sync', activityTypes: ['Order Completed', '*', 'My Custom Event'] });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const got = await app.patron.http!.inject({ url: `/api/webhook-subscriptions/${id}`, headers: owner.headers });
    expect(got.json()).toMatchObject({ activityTypes: ['*'], enabled: true, secretHint: `whsec_…${secret.slice(-4)}` });
    expect((await app.patron.http!.inject({ url: '/api/webhook-subscriptions', headers: owner.headers })).body).not.toContain(secret);
    const audit = await db().selectFrom('audit_log').selectAll().where('entity_id', '=', id).execute();
    expect(audit.map((a) => a.action)).toEqual(['webhook_subscription.created']);
    expect(JSON.stringify(audit)).not.toContain(secret.slice(6));
    expect((await app.patron.http!.inject({ method: 'DELETE', url: `/api/webhook-subscriptions/${id}`, headers: owner.headers })).statusCode).toBe(204);
  });

  it('refuses http:// to localhost once a public https URL is configured', async () => {
    const prod = new OutboundWebhooks(db(), app.patron.jobs, { allowLoopbackHttp: false });
    await expect(prod.create(SYSTEM_ACTOR, { url: `${base}/hook`, description: '', activityTypes: ['*'], enabled: true })).rejects.toThrow(/only allowed to localhost while Patron runs in development/);
  });

  it('refuses to deliver to hosts that resolve to internal addresses unless allowed', async () => {
    const prod = new OutboundWebhooks(db(), app.patron.jobs, { allowLoopbackHttp: false });
    for (const url of ['https://localhost:9/hook', 'https://169.254.169.254/latest/meta-data', 'https://[::1]:9/x', 'https://10.0.0.7/hook']) {
      const sub = await prod.create(SYSTEM_ACTOR, { url, description: '', activityTypes: ['*'], enabled: false });
      const r = await prod.test(SYSTEM_ACTOR, sub.subscription.id);
      expect(r.succeeded, url).toBe(false);
      expect(r.error, url).toMatch(/non-public address/);
    }
  });

  it('delivers matching activities, signed so that the standardwebhooks library verifies them', async () => {
    const { id, secret } = await subscribe({ url: `${base}/hooks/orders`, activityTypes: ['Order Completed'] });
    const res = await placeOrder();
    await until(() => received.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(1); // Customer Created did not match
    const r = received[0]!;
    expect(r.url).toBe('/hooks/orders');
    expect(r.headers['content-type']).toBe('application/json');
    const payload = new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(payload).toMatchObject({ type: 'Order Completed', data: { type: 'Order Completed', customerId: res.customerId, source: 'api', properties: { total: 12.5, currency: 'USD' } } });
    expect(r.headers['webhook-id']).toBe(payload.data.id);
    // A forged copy fails verification.
    expect(() => new Webhook(secret).verify(r.body.replace('12.5', '1.25'), r.headers as Record<string, string>)).toThrow();
    const log = await until(async () => (await app.patron.http!.inject({ url: `/api/webhook-subscriptions/${id}/deliveries`, headers: owner.headers })).json().items[0]);
    expect(log).toMatchObject({ messageId: payload.data.id, activityId: payload.data.id, eventType: 'Order Completed', attempt: 1, succeeded: true, statusCode: 200, responseExcerpt: 'ok', test: false });
    expect(log.responseMs).toBeGreaterThanOrEqual(0);
    await svc().remove(SYSTEM_ACTOR, id);
  });

  it('enqueues nothing for an activity whose transaction rolls back', async () => {
    const { id } = await subscribe({ url: `${base}/hooks/all`, activityTypes: ['*'] });
    const customerId = (await placeOrder()).customerId!;
    await until(() => received.length >= 2);
    received = [];
    await expect(db().transaction().execute(async (tx) => {
      await app.patron.activities.append(tx, [{ customerId, type: 'Rolled Back Event', source: 'api' }]);
      throw new Error('business write failed');
    })).rejects.toThrow('business write failed');
    await db().transaction().execute((tx) => app.patron.activities.append(tx, [{ customerId, type: 'Committed Event', source: 'api' }]));
    await until(() => received.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(received.map((x) => JSON.parse(x.body).type)).toEqual(['Committed Event']);
    await svc().remove(SYSTEM_ACTOR, id);
  });

  it('retries a failed delivery with the same webhook-id', async () => {
    const { id } = await subscribe({ url: `${base}/hooks/flaky`, activityTypes: ['Order Completed'] });
    let calls = 0;
    respond = (_req, res) => void (++calls === 1 ? res.writeHead(503).end('busy') : res.writeHead(204).end());
    await placeOrder();
    await until(() => received.length >= 2, 20_000);
    expect(received[0]!.headers['webhook-id']).toBe(received[1]!.headers['webhook-id']);
    type Delivery = { attempt: number; succeeded: boolean; statusCode: number; error: string | null; responseExcerpt: string | null };
    const deliveries = async () => (await app.patron.http!.inject({ url: `/api/webhook-subscriptions/${id}/deliveries`, headers: owner.headers })).json().items as Delivery[];
    // The endpoint has the second attempt before the worker has logged its answer.
    let items: Delivery[] = [];
    await until(async () => (items = await deliveries()).length >= 2, 10_000);
    expect(items.map((i) => [i.attempt, i.succeeded, i.statusCode])).toEqual([[2, true, 204], [1, false, 503]]);
    expect(items[1]).toMatchObject({ error: 'HTTP 503', responseExcerpt: 'busy' });
    expect((await svc().get(id)).consecutiveFailures).toBe(0);
    await svc().remove(SYSTEM_ACTOR, id);
  }, 30_000);

  it('gives up on a slow endpoint at the timeout, and never follows a redirect to another host', async () => {
    svc().configure({ timeoutMs: 300 });
    const { id } = await subscribe({ url: `${base}/hooks/slow`, activityTypes: ['webhook.test'] });
    respond = (_req, res) => void setTimeout(() => res.writeHead(200).end('late'), 3000);
    const started = Date.now();
    const slow = await app.patron.http!.inject({ method: 'POST', url: `/api/webhook-subscriptions/${id}/test`, headers: owner.headers });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(slow.json()).toMatchObject({ succeeded: false, statusCode: null, error: 'No complete answer within 300 ms.' });

    svc().configure({ timeoutMs: 10_000 });
    respond = (_req, res) => void res.writeHead(307, { location: `${otherBase}/steal` }).end();
    const redirected = await app.patron.http!.inject({ method: 'POST', url: `/api/webhook-subscriptions/${id}/test`, headers: owner.headers });
    expect(redirected.json()).toMatchObject({ succeeded: false, statusCode: 307, error: expect.stringMatching(/another host .* never followed/) });
    expect(otherHits).toBe(0);

    // A same-origin 307 keeps the POST and is followed.
    respond = (req, res) => void (req.url === '/hooks/slow' ? res.writeHead(307, { location: '/hooks/moved' }).end() : res.writeHead(200).end('moved ok'));
    const moved = await app.patron.http!.inject({ method: 'POST', url: `/api/webhook-subscriptions/${id}/test`, headers: owner.headers });
    expect(moved.json()).toMatchObject({ succeeded: true, statusCode: 200, responseExcerpt: 'moved ok' });
    const log = (await app.patron.http!.inject({ url: `/api/webhook-subscriptions/${id}/deliveries`, headers: owner.headers })).json().items as { test: boolean }[];
    expect(log).toHaveLength(3);
    expect(log.every((l) => l.test)).toBe(true);
    expect((await svc().get(id)).consecutiveFailures).toBe(0); // tests do not count
    await svc().remove(SYSTEM_ACTOR, id);
  });

  it('disables a subscription after repeated failures, with an audit entry saying why; re-enabling resets it', async () => {
    svc().configure({ disableAfterFailures: 3, disableAfterMs: 0 });
    const { id } = await subscribe({ url: `${base}/hooks/down`, activityTypes: ['Order Completed'] });
    respond = (_req, res) => void res.writeHead(500).end('down');
    for (let i = 0; i < 3; i++) await placeOrder();
    const sub = await until(async () => {
      const s = await svc().get(id);
      return !s.enabled && s;
    }, 20_000);
    expect(sub).toMatchObject({ enabled: false, consecutiveFailures: 3, disabledReason: expect.stringMatching(/after 3 consecutive failed deliveries .* last error: HTTP 500/) });
    const audit = await db().selectFrom('audit_log').selectAll().where('entity_id', '=', id).where('action', '=', 'webhook_subscription.disabled').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_type: 'system', summary: expect.stringMatching(/Disabled webhook subscription .* 3 consecutive failed deliveries/) });

    // Disabled: new activities enqueue nothing.
    const before = received.length;
    await placeOrder();
    await new Promise((r) => setTimeout(r, 500));
    expect(received.length).toBe(before);

    const res = await app.patron.http!.inject({ method: 'PATCH', url: `/api/webhook-subscriptions/${id}`, headers: owner.headers, payload: { enabled: true } });
    expect(res.json()).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null, failingSince: null });
    await svc().remove(SYSTEM_ACTOR, id);
  }, 30_000);
});
