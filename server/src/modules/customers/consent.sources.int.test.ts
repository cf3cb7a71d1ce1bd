import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { removeTmpFiles, tmpFile } from '../integrations/imports/uci.fixture.ts';
import { mapShopify } from '../integrations/webhooks/map-shopify.ts';
import type { Json } from '../integrations/webhooks/plan.ts';
import { hmacSha256Base64 } from '../integrations/webhooks/signatures.ts';

// Consent from the sources that carry it: Shopify webhooks (official REST fixtures) and Shopify CSV exports.
const DATA = '../shared/data/webhooks';
const load = (p: string) => JSON.parse(fs.readFileSync(`${DATA}/${p}`, 'utf8')) as Json;
const CUSTOMER = load('shopify/customer.rest-fixture.json');
const ORDER = load('shopify/order.rest-fixture.json');
const signals = (topic: string, body: Json) => {
  const op = mapShopify(topic, body).operations[0]!;
  return (op.kind === 'customer' || op.kind === 'order' ? op.consent ?? [] : []).map((s) => ({ channel: s.channel, status: s.status, method: s.method, at: s.occurredAt?.toISOString() }));
};

describe('Shopify payloads → consent signals', () => {
  it('customer: email_marketing_consent and sms_marketing_consent with their state, opt-in level and time', () => {
    expect(signals('customers/create', CUSTOMER)).toEqual([
      { channel: 'email', status: 'not_subscribed', method: 'single_opt_in', at: '2025-04-02T16:27:00.000Z' },
      { channel: 'sms', status: 'not_subscribed', method: 'single_opt_in', at: '2025-04-02T16:27:00.000Z' },
    ]);
    const subscribed = {
      ...CUSTOMER,
      email_marketing_consent: { state: 'subscribed', opt_in_level: 'confirmed_opt_in', consent_updated_at: '2025-04-01T09:00:00-05:00' },
      sms_marketing_consent: { state: 'pending', opt_in_level: 'unknown', consent_updated_at: null, consent_collected_from: 'SHOPIFY' },
    };
    expect(signals('customers/update', subscribed)).toEqual([
      { channel: 'email', status: 'subscribed', method: 'double_opt_in', at: '2025-04-01T14:00:00.000Z' },
      { channel: 'sms', status: 'pending', method: 'webhook', at: '2025-04-02T16:27:00.000Z' },
    ]);
    const op = mapShopify('customers/update', subscribed).operations[0]!;
    expect(op.kind === 'customer' && op.consent?.[1]?.evidence).toEqual({ sms_marketing_consent: subscribed.sms_marketing_consent });
    expect(signals('customers/update', { ...CUSTOMER, email_marketing_consent: { state: 'redacted' }, sms_marketing_consent: { state: 'invalid' } }))
      .toEqual([{ channel: 'email', status: 'not_subscribed', method: 'webhook', at: '2025-04-02T16:27:00.000Z' }]);
  });

  it('legacy accepts_marketing (older API versions) when there is no email_marketing_consent', () => {
    const legacy = { ...CUSTOMER, email_marketing_consent: undefined, sms_marketing_consent: null, accepts_marketing: true, accepts_marketing_updated_at: '2021-06-01T10:00:00Z', marketing_opt_in_level: 'single_opt_in' };
    expect(signals('customers/update', legacy)).toEqual([{ channel: 'email', status: 'subscribed', method: 'single_opt_in', at: '2021-06-01T10:00:00.000Z' }]);
    expect(signals('customers/update', { ...legacy, accepts_marketing: false })[0]).toMatchObject({ status: 'not_subscribed' });
  });

  it('order: the customer object’s consent; without one, a ticked checkout box subscribes, an unticked one says nothing', () => {
    expect(signals('orders/create', ORDER)).toEqual([
      { channel: 'email', status: 'not_subscribed', method: 'webhook', at: '2004-06-13T15:57:11.000Z' },
      { channel: 'sms', status: 'not_subscribed', method: 'single_opt_in', at: '2024-01-01T12:00:00.000Z' },
    ]);
    const guest = { ...ORDER, customer: undefined, buyer_accepts_marketing: true };
    expect(signals('orders/create', guest)).toEqual([{ channel: 'email', status: 'subscribed', method: 'single_opt_in', at: new Date(String(ORDER.processed_at ?? ORDER.created_at)).toISOString() }]);
    expect(signals('orders/create', { ...guest, buyer_accepts_marketing: false })).toEqual([]);
  });
});

let app: TestApp;
let owner: Session;
const db = () => app.patron.dbh.db;
beforeAll(async () => {
  app = await startTestApp({ worker: true });
  owner = await loginAs(app, 'owner');
});
afterAll(async () => {
  removeTmpFiles();
  await app?.close();
});

const customerByExternal = async (source: string, value: string) =>
  (await db().selectFrom('customer_identities').select('customer_id').where('kind', '=', 'external').where('source', '=', source).where('value', '=', value).executeTakeFirstOrThrow()).customer_id;
const customerByEmail = async (email: string) => (await db().selectFrom('customers').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
const state = (id: string) => app.patron.modules.customers.consent.get(id);
const ledger = (id: string) => db().selectFrom('consent_events').selectAll().where('customer_id', '=', id).orderBy('recorded_at').orderBy('id').execute();

describe('Shopify webhooks → the consent service', () => {
  let connId = '';
  let seq = 0;
  const deliver = async (topic: string, body: Json) => {
    const text = JSON.stringify(body);
    const res = await app.patron.http!.inject({
      method: 'POST', url: `/v1/webhooks/shopify/${connId}`, payload: text,
      headers: {
        'content-type': 'application/json', 'x-shopify-topic': topic, 'x-shopify-webhook-id': `consent-${++seq}`, 'x-shopify-shop-domain': 'jsmith.myshopify.com',
        'x-shopify-api-version': '2025-07', 'x-shopify-hmac-sha256': hmacSha256Base64('test_secret_key', text),
      },
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    const id = res.json().deliveryId as string;
    for (let i = 0; i < 400; i++) {
      const d = await db().selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      if (d.outcome !== 'pending') return d;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`delivery ${id} still pending`);
  };

  beforeAll(async () => {
    const res = await app.patron.http!.inject({ method: 'POST', url: '/api/store-connections', headers: owner.headers, payload: { platform: 'shopify', name: 'Main', storeUrl: 'jsmith.myshopify.com', webhookSecret: 'test_secret_key' } });
    connId = res.json().id as string;
  });

  it('customers/create and update: subscribe, out-of-order consent kept but not applied, a later not_subscribed unsubscribes', async () => {
    const created = { ...CUSTOMER, email_marketing_consent: { state: 'subscribed', opt_in_level: 'confirmed_opt_in', consent_updated_at: '2025-04-01T09:00:00-05:00' } };
    expect((await deliver('customers/create', created)).outcome).toBe('processed');
    const id = await customerByExternal('shopify', '1073339462');
    expect(await state(id)).toMatchObject({ email: { status: 'subscribed', source: 'shopify', updatedAt: new Date('2025-04-01T14:00:00Z') }, sms: { status: 'none' } });
    expect((await ledger(id))[0]).toMatchObject({ method: 'double_opt_in', actor_label: 'shopify webhook (Main)', evidence: { email_marketing_consent: created.email_marketing_consent } });
    const c = await app.patron.modules.customers.service.get(id);
    expect(c.attributes).toEqual({});

    // A newer profile update carrying an older consent answer (an unsubscribe that was overtaken): recorded, not applied.
    const older = { ...created, updated_at: '2025-05-01T00:00:00Z', email_marketing_consent: { state: 'unsubscribed', opt_in_level: 'single_opt_in', consent_updated_at: '2025-03-01T00:00:00Z' } };
    expect((await deliver('customers/update', older)).outcome).toBe('processed');
    expect((await state(id)).email.status).toBe('subscribed');
    expect((await ledger(id)).map((r) => [r.status, r.applied])).toEqual([['subscribed', true], ['unsubscribed', false]]);

    const withdrawn = { ...created, updated_at: '2025-06-01T00:00:00Z', email_marketing_consent: { state: 'not_subscribed', opt_in_level: null, consent_updated_at: '2025-06-01T00:00:00Z' } };
    expect((await deliver('customers/update', withdrawn)).outcome).toBe('processed');
    expect((await state(id)).email).toMatchObject({ status: 'unsubscribed', updatedAt: new Date('2025-06-01T00:00:00Z') });
    // The same delivery content again: nothing new.
    await deliver('customers/update', withdrawn);
    expect((await ledger(id)).length).toBe(3);
    const acts = await db().selectFrom('activities').select('properties').where('customer_id', '=', id).where('type', '=', 'Consent Changed').orderBy('occurred_at').execute();
    expect(acts.map((a) => (a.properties as { status: string }).status)).toEqual(['subscribed', 'unsubscribed']);
  });

  it('orders/create: the order’s customer object brings its consent', async () => {
    const order = { ...ORDER, customer: { ...(ORDER.customer as Json), sms_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: '2025-02-02T10:00:00Z' } } };
    expect((await deliver('orders/create', order)).outcome).toBe('processed');
    const id = await customerByExternal('shopify', '207119551');
    expect(await state(id)).toMatchObject({ email: { status: 'none' }, sms: { status: 'subscribed', source: 'shopify', updatedAt: new Date('2025-02-02T10:00:00Z') } });
  });
});

describe('Shopify CSV exports → the consent service', () => {
  const imports = () => app.patron.modules.integrations.imports.service;
  const HEADER = 'Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,Tags';

  it('customers export: "yes" subscribes as of the import, "no" gives nothing, a later "no" withdraws Shopify’s own consent', async () => {
    const csv = (janeEmail: string) => [
      HEADER,
      "'7210448301122,Teodoro,Villaseñor,teo@example.com,no,,,,,,,,,+1 775 555 0154,no,7790.44,6,,yes,",
      `'7210448301123,Jane,Doe,jane@example.com,${janeEmail},,,,,,,,,+31 6 12345678,yes,95.90,1,,no,`,
      "'7210448301124,Max,Perhaps,max@example.com,maybe,,,,,,,,,,,0,0,,no,",
    ].join('\n');
    const started = new Date();
    const r = await imports().runFile(CLI_ACTOR, tmpFile('customers_export.csv', csv('yes')), { kind: 'customers', preset: 'shopify-customers', dryRun: false });
    expect(r.issues.map((i) => [i.line, i.severity, i.message])).toEqual([[4, 'warning', '"maybe" is not a consent answer (yes or no): consent left unchanged']]);
    const jane = await customerByEmail('jane@example.com');
    const teo = await customerByEmail('teo@example.com');
    expect(await state(teo)).toMatchObject({ email: { status: 'none' }, sms: { status: 'none' } });
    const s = await state(jane);
    expect(s).toMatchObject({ email: { status: 'subscribed', source: 'shopify' }, sms: { status: 'subscribed', source: 'shopify' } });
    expect(s.email.updatedAt!.getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000);
    expect((await ledger(jane)).map((e) => [e.channel, e.method, e.actor_label, e.evidence])).toEqual([
      ['email', 'import', 'command line', { line: 3, value: 'yes' }], ['sms', 'import', 'command line', { line: 3, value: 'yes' }],
    ]);

    const again = await imports().runFile(CLI_ACTOR, tmpFile('customers_export.csv', csv('yes')), { kind: 'customers', preset: 'shopify-customers', dryRun: false });
    expect(again.summary.customers).toMatchObject({ created: 0, updated: 0 });
    expect((await ledger(jane)).length).toBe(2);
    await imports().runFile(CLI_ACTOR, tmpFile('customers_export.csv', csv('no')), { kind: 'customers', preset: 'shopify-customers', dryRun: false });
    expect((await state(jane)).email.status).toBe('unsubscribed');
  });

  it('orders export: "Accepts Marketing" yes subscribes at the order’s date', async () => {
    const header = 'Name,Email,Financial Status,Accepts Marketing,Currency,Subtotal,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Billing Name,Id';
    const csv = [header,
      '#2001,ola@example.com,paid,yes,EUR,10.00,10.00,2024-06-01 10:00:00 +0200,1,Tea,10.00,Ola Nordmann,7001',
      '#2002,per@example.com,paid,no,EUR,5.00,5.00,2024-06-02 10:00:00 +0200,1,Cup,5.00,Per Hansen,7002',
    ].join('\n');
    const r = await imports().runFile(CLI_ACTOR, tmpFile('orders_export.csv', csv), { kind: 'orders', preset: 'shopify-orders', dryRun: false });
    expect(r.issues).toEqual([]);
    expect((await state(await customerByEmail('ola@example.com'))).email).toMatchObject({ status: 'subscribed', source: 'shopify', updatedAt: new Date('2024-06-01T08:00:00Z') });
    expect((await state(await customerByEmail('per@example.com'))).email.status).toBe('none');
  });
});
