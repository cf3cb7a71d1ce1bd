import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type Actor } from '../../platform/audit/audit.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import type { ConsentChange } from './consent.service.ts';

let app: TestApp;
let marketer: Session;
let analyst: Session;
const db = () => app.patron.dbh.db;
const consent = () => app.patron.modules.customers.consent;
const inject = (o: InjectOptions) => app.patron.http!.inject(o);
const webhook: Actor = { type: 'system', id: null, label: 'shopify webhook (Main)' };

beforeAll(async () => {
  app = await startTestApp();
  marketer = await loginAs(app, 'marketer');
  analyst = await loginAs(app, 'analyst');
});
afterAll(async () => app?.close());

async function newCustomer(email: string): Promise<string> {
  return db().transaction().execute(async (tx) => (await app.patron.modules.customers.service.resolve(tx, {
    identities: [{ kind: 'email', value: email, verified: true }], source: 'test', actor: SYSTEM_ACTOR,
  })).customerId);
}
const set = (c: Omit<ConsentChange, 'actor' | 'method'> & Partial<Pick<ConsentChange, 'actor' | 'method'>>) =>
  db().transaction().execute((tx) => consent().set(tx, { actor: webhook, method: 'webhook', ...c }));
const ledger = (customerId: string) => db().selectFrom('consent_events').selectAll().where('customer_id', '=', customerId).orderBy('occurred_at').orderBy('id').execute();
const activities = (customerId: string) => db().selectFrom('activities').selectAll().where('customer_id', '=', customerId).where('type', '=', 'Consent Changed').orderBy('occurred_at').execute();
const at = (d: string) => new Date(`${d}T12:00:00Z`);

describe('the consent ledger', () => {
  it('records each change with its previous status, updates the state, appends Consent Changed; repeats change nothing', async () => {
    const id = await newCustomer('ledger@example.com');
    expect(await consent().get(id)).toEqual({ email: { status: 'none', source: null, updatedAt: null }, sms: { status: 'none', source: null, updatedAt: null }, tracking: { status: 'none', source: null, updatedAt: null } });
    expect((await set({ customerId: id, channel: 'email', status: 'pending', source: 'shopify', occurredAt: at('2025-01-01') })).outcome).toBe('applied');
    expect((await set({ customerId: id, channel: 'email', status: 'subscribed', source: 'shopify', method: 'double_opt_in', occurredAt: at('2025-01-02'), evidence: { ip: '203.0.113.9' } })).outcome).toBe('applied');
    expect((await set({ customerId: id, channel: 'email', status: 'subscribed', source: 'shopify', occurredAt: at('2025-01-05') })).outcome).toBe('unchanged');
    expect(await consent().get(id)).toMatchObject({ email: { status: 'subscribed', source: 'shopify', updatedAt: at('2025-01-02') }, sms: { status: 'none' } });

    const rows = await ledger(id);
    expect(rows.map((r) => [r.status, r.previous_status, r.method, r.applied])).toEqual([['pending', null, 'webhook', true], ['subscribed', 'pending', 'double_opt_in', true]]);
    expect(rows[1]).toMatchObject({ source: 'shopify', actor_label: 'shopify webhook (Main)', evidence: { ip: '203.0.113.9' } });
    expect(rows[1]!.recorded_at.getTime()).toBeGreaterThan(rows[1]!.occurred_at.getTime());
    const acts = await activities(id);
    expect(acts.map((a) => a.properties)).toEqual([
      { channel: 'email', status: 'pending', previousStatus: null, source: 'shopify', method: 'webhook' },
      { channel: 'email', status: 'subscribed', previousStatus: 'pending', source: 'shopify', method: 'double_opt_in' },
    ]);
    expect(acts[1]!.occurred_at).toEqual(at('2025-01-02'));
    // A webhook is not a person: no audit entry.
    expect(await db().selectFrom('audit_log').select('id').where('entity_id', '=', id).where('action', '=', 'customer.consent_changed').execute()).toEqual([]);
  });

  it('an out-of-order message never overwrites newer consent; it is kept once, marked not applied', async () => {
    const id = await newCustomer('late@example.com');
    await set({ customerId: id, channel: 'email', status: 'unsubscribed', source: 'shopify', occurredAt: at('2025-03-01') });
    const late = { customerId: id, channel: 'email' as const, status: 'subscribed' as const, source: 'shopify', occurredAt: at('2025-02-01') };
    expect(await set(late)).toMatchObject({ outcome: 'stale', status: 'unsubscribed' });
    expect((await set(late)).outcome).toBe('unchanged'); // the same late message retried
    expect((await consent().get(id)).email).toMatchObject({ status: 'unsubscribed', updatedAt: at('2025-03-01') });
    expect((await ledger(id)).map((r) => [r.status, r.applied, r.previous_status])).toEqual([['subscribed', false, 'unsubscribed'], ['unsubscribed', true, null]]);
    expect((await activities(id)).length).toBe(1);
    // A time in the future counts as now.
    const future = new Date(Date.now() + 365 * 86400_000);
    await set({ customerId: id, channel: 'sms', status: 'subscribed', source: 'api', occurredAt: future });
    expect((await consent().get(id)).sms.updatedAt!.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('not_subscribed withdraws only consent the same source gave', async () => {
    const id = await newCustomer('notsub@example.com');
    expect((await set({ customerId: id, channel: 'email', status: 'not_subscribed', source: 'shopify' })).outcome).toBe('ignored');
    expect(await ledger(id)).toEqual([]);
    await set({ customerId: id, channel: 'email', status: 'subscribed', source: 'api', occurredAt: at('2025-01-01') });
    expect((await set({ customerId: id, channel: 'email', status: 'not_subscribed', source: 'shopify', occurredAt: at('2025-02-01') })).outcome).toBe('ignored');
    await set({ customerId: id, channel: 'sms', status: 'subscribed', source: 'shopify', occurredAt: at('2025-01-01') });
    expect(await set({ customerId: id, channel: 'sms', status: 'not_subscribed', source: 'shopify', occurredAt: at('2025-02-01') })).toMatchObject({ outcome: 'applied', status: 'unsubscribed', previousStatus: 'subscribed' });
    expect(await consent().get(id)).toMatchObject({ email: { status: 'subscribed', source: 'api' }, sms: { status: 'unsubscribed', source: 'shopify' } });
    expect((await ledger(id)).at(-1)).toMatchObject({ status: 'unsubscribed', reason: 'shopify holds no consent any more' });
  });

  it('many messages at once (imports) are applied in the order they happened', async () => {
    const a = await newCustomer('batch-a@example.com');
    const b = await newCustomer('batch-b@example.com');
    const res = await db().transaction().execute((tx) => consent().setMany(tx, [
      { customerId: a, channel: 'email', status: 'subscribed', source: 'csv', method: 'import', actor: SYSTEM_ACTOR, occurredAt: at('2025-03-01') },
      { customerId: a, channel: 'email', status: 'unsubscribed', source: 'csv', method: 'import', actor: SYSTEM_ACTOR, occurredAt: at('2025-02-01') },
      { customerId: a, channel: 'email', status: 'subscribed', source: 'csv', method: 'import', actor: SYSTEM_ACTOR, occurredAt: at('2025-01-01') },
      { customerId: b, channel: 'sms', status: 'pending', source: 'csv', method: 'import', actor: SYSTEM_ACTOR },
    ]));
    expect(res.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect((await ledger(a)).map((r) => [r.status, r.previous_status])).toEqual([['subscribed', null], ['unsubscribed', 'subscribed'], ['subscribed', 'unsubscribed']]);
    expect((await consent().get(a)).email).toMatchObject({ status: 'subscribed', updatedAt: at('2025-03-01') });
    expect((await consent().get(b)).sms.status).toBe('pending');
  });

  it('a merge keeps the most recent state per channel and moves the ledger to the survivor', async () => {
    const survivor = await newCustomer('merge-s@example.com');
    const merged = await newCustomer('merge-m@example.com');
    await set({ customerId: survivor, channel: 'email', status: 'subscribed', source: 'shopify', occurredAt: at('2025-01-01') });
    await set({ customerId: merged, channel: 'email', status: 'unsubscribed', source: 'api', occurredAt: at('2025-04-01') });
    await set({ customerId: survivor, channel: 'sms', status: 'subscribed', source: 'api', occurredAt: at('2025-05-01') });
    await set({ customerId: merged, channel: 'sms', status: 'unsubscribed', source: 'api', occurredAt: at('2025-02-01') });
    const detail = await app.patron.modules.customers.service.merge(SYSTEM_ACTOR, survivor, merged, {});
    expect(detail.consent).toMatchObject({ email: { status: 'unsubscribed', source: 'api', updatedAt: at('2025-04-01') }, sms: { status: 'subscribed', updatedAt: at('2025-05-01') } });
    expect(await db().selectFrom('customer_consents').selectAll().where('customer_id', '=', merged).execute()).toEqual([]);
    expect((await ledger(survivor)).length).toBe(4);
    expect(await ledger(merged)).toEqual([]);
    const rec = await db().selectFrom('customer_merges').select('moved').where('survivor_id', '=', survivor).executeTakeFirstOrThrow();
    expect(rec.moved).toMatchObject({ consentEvents: 2 });
    const last = (await activities(survivor)).find((a) => (a.properties as { method?: string }).method === 'merge');
    expect(last?.properties).toMatchObject({ channel: 'email', status: 'unsubscribed', previousStatus: 'subscribed', mergedId: merged });
    // A message for the merged-away id lands on the survivor.
    await set({ customerId: merged, channel: 'email', status: 'subscribed', source: 'api', occurredAt: at('2025-06-01') });
    expect((await consent().get(survivor)).email).toMatchObject({ status: 'subscribed', updatedAt: at('2025-06-01') });
  });
});

describe('consent API', () => {
  it('GET shows both channels and the ledger newest first; PUT sets one with a reason, audited', async () => {
    const id = await newCustomer('api@example.com');
    await set({ customerId: id, channel: 'email', status: 'subscribed', source: 'shopify', occurredAt: at('2025-01-01') });
    const put = await inject({ method: 'PUT', url: `/api/customers/${id}/consent/email`, headers: { ...marketer.headers, 'user-agent': 'vitest' }, payload: { status: 'unsubscribed', reason: 'Asked by phone to stop the newsletter' } });
    expect(put.statusCode, put.body).toBe(200);
    const view = put.json();
    expect(view.current).toMatchObject({ email: { status: 'unsubscribed', source: 'ui' }, sms: { status: 'none' } });
    expect(view.history.map((e: { status: string }) => e.status)).toEqual(['unsubscribed', 'subscribed']);
    expect(view.history[0]).toMatchObject({ method: 'admin', reason: 'Asked by phone to stop the newsletter', previousStatus: 'subscribed', actorLabel: expect.stringContaining('marketer'), evidence: { userAgent: 'vitest', form: 'Patron customer profile' } });
    const get = await inject({ url: `/api/customers/${id}/consent`, headers: analyst.headers });
    expect(get.json()).toEqual(view);
    const detail = await inject({ url: `/api/customers/${id}`, headers: analyst.headers });
    expect(detail.json().consent).toMatchObject({ email: { status: 'unsubscribed', source: 'ui', updatedAt: expect.any(String) }, sms: { status: 'none', updatedAt: null } });
    const auditRows = await db().selectFrom('audit_log').selectAll().where('entity_id', '=', id).where('action', '=', 'customer.consent_changed').execute();
    expect(auditRows).toHaveLength(1);
    expect(auditRows[0]).toMatchObject({ actor_type: 'user', before: { channel: 'email', status: 'subscribed' }, after: { channel: 'email', status: 'unsubscribed' } });
  });

  it('refuses a bad channel, status or missing reason with problem+json 400; read-only roles get 403; unknown customers 404', async () => {
    const id = await newCustomer('api-bad@example.com');
    const put = (channel: string, payload: unknown, headers = marketer.headers) => inject({ method: 'PUT', url: `/api/customers/${id}/consent/${channel}`, headers, payload: payload as Record<string, unknown> });
    const fax = await put('fax', { status: 'subscribed', reason: 'x' });
    expect(fax.statusCode).toBe(400);
    expect(fax.headers['content-type']).toMatch(/problem\+json/);
    expect(fax.json().errors).toEqual([expect.objectContaining({ pointer: '/params/channel', detail: expect.stringContaining('email, sms or tracking') })]);
    const bad = await put('email', { status: 'yes please', reason: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ pointer: '/body/status', detail: expect.stringContaining('subscribed, unsubscribed or pending') })]);
    const noReason = await put('sms', { status: 'subscribed', reason: '  ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors[0]).toMatchObject({ pointer: '/body/reason' });
    expect((await put('email', { status: 'subscribed', reason: 'x' }, analyst.headers)).statusCode).toBe(403);
    const missing = await inject({ method: 'PUT', url: '/api/customers/0190a3c4-0000-7000-8000-000000000000/consent/email', headers: marketer.headers, payload: { status: 'subscribed', reason: 'x' } });
    expect(missing.statusCode).toBe(404);
    expect((await inject({ url: '/api/customers/0190a3c4-0000-7000-8000-000000000000/consent', headers: marketer.headers })).statusCode).toBe(404);
    expect(await ledger(id)).toEqual([]);
  });

  it('the REST upsert takes consent per channel through the same rules', async () => {
    const { key } = await app.patron.modules.users.service.createApiKey(SYSTEM_ACTOR, { name: 'crm sync', kind: 'secret', scopes: ['customers:write'] });
    const auth = { authorization: `Bearer ${key}` };
    const res = await inject({ method: 'POST', url: '/api/customers', headers: auth, payload: { email: 'rest@example.com', firstName: 'Resta', consent: { email: 'subscribed', sms: 'pending' } } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().consent).toMatchObject({ email: { status: 'subscribed', source: 'api' }, sms: { status: 'pending', source: 'api' } });
    const id = res.json().id as string;
    expect((await ledger(id)).map((r) => [r.channel, r.status, r.method, r.actor_label])).toEqual([['email', 'subscribed', 'api', 'API key "crm sync"'], ['sms', 'pending', 'api', 'API key "crm sync"']]);
    expect((await db().selectFrom('audit_log').select('action').where('entity_id', '=', id).where('action', '=', 'customer.consent_changed').execute()).length).toBe(2);
    const again = await inject({ method: 'POST', url: '/api/customers', headers: auth, payload: { email: 'rest@example.com', consent: { email: 'subscribed' } } });
    expect(again.statusCode).toBe(200);
    expect((await ledger(id)).length).toBe(2);
    const bad = await inject({ method: 'POST', url: '/api/customers', headers: auth, payload: { email: 'rest@example.com', consent: { email: 'maybe', fax: 'subscribed' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/body/consent', '/body/consent/email']);
  });
});
