import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { newId } from '../../platform/ids.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import type { Roi } from './analytics.schemas.ts';

// Campaign and flow ROI on a hand-made store in New York (USD), March 2024, worked out by hand.
// An email costs 1.50, an SMS 4.00. Orders reach the attribution through the orders API, as a shop's would.
let app: TestApp;
let owner: Session;
const db = () => app.patron.dbh.db;

const spring = newId();
const welcome = newId();
const newsletter = newId();
const february = newId();

async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) {
  const res = await app.patron.http!.inject({ method, url, headers: owner.headers, payload: payload as Record<string, unknown> });
  if (res.statusCode >= 400) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res;
}

async function customer(name: string): Promise<string> {
  return db().transaction().execute(async (tx) => (await app.patron.modules.customers.service.resolve(tx, {
    identities: [{ kind: 'email', value: `${name}@roi.test`, verified: true }], profile: { firstName: name }, source: 'test', actor: SYSTEM_ACTOR,
  })).customerId);
}

/** A message sent at `sentAt` by a campaign or a flow; `clickedAt` adds a person's click on it. */
async function sent(customerId: string, by: { campaignId?: string; flowId?: string }, sentAt: string, o: { channel?: 'email' | 'sms'; clickedAt?: string } = {}): Promise<void> {
  const id = newId();
  const at = new Date(sentAt);
  await db().insertInto('messages').values({
    id, customer_id: customerId, channel: o.channel ?? 'email', kind: 'marketing', purpose: by.campaignId ? 'campaign' : 'flow', dedupe_key: `roi:${id}`, status: 'sent', skip_reason: null, send_after: at,
    template_id: null, template_version: null, sender_id: null, campaign_id: by.campaignId ?? null, variant: null, flow_id: by.flowId ?? null, flow_version: by.flowId ? 1 : null, flow_run_id: null,
    flow_step_id: by.flowId ? 'step-1' : null, vars: '{}', overrides: '{}', to_override: null, topic: null, last_error: null, claimed_at: null, transport: 'outbox', to_address: `${customerId}@x.test`,
    from_address: null, subject: 'Hi', html: null, text_body: null, headers: null, provider_id: null, sent_at: at,
    delivered_at: null, opened_at: null, clicked_at: null, bounced_at: null, bounce_type: null, complained_at: null, unsubscribed_at: null,
  } as never).execute();
  if (o.clickedAt) await db().insertInto('message_events').values({ id: newId(), message_id: id, customer_id: customerId, type: 'clicked', occurred_at: new Date(o.clickedAt), url: null, is_bot: false, data: '{}' }).execute();
}

let n = 0;
const order = (name: string, placedAt: string, total: number, currency = 'USD') => call('POST', '/api/orders', {
  source: 'shop', externalId: `roi-${++n}`, currency, placedAt, customer: { email: `${name}@roi.test` }, lines: [{ title: 'Mug', quantity: 1, unitPrice: total }],
});

beforeAll(async () => {
  app = await startTestApp();
  owner = await loginAs(app, 'owner');
  await call('PUT', '/api/settings/store', { currency: 'USD', timeZone: 'America/New_York' });
  await call('PATCH', '/api/messaging/engagement-settings', { costPerEmailMinor: 150, costPerSmsMinor: 400 });
  await sql`insert into campaigns (id, name, created_by, status) values
    (${spring}, 'Spring sale', 'test', 'sent'), (${newsletter}, 'March newsletter', 'test', 'sent'), (${february}, 'February promo', 'test', 'sent')`.execute(db());
  await sql`insert into flows (id, name, trigger_type, webhook_secret, created_by, status) values (${welcome}, 'Welcome series', 'manual', 'whsec_test', 'test', 'live')`.execute(db());
  const [a, b, c, d, e, f] = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map(customer)) as [string, string, string, string, string, string];

  // Spring sale: three emails. A and B buy after a click; C's order is in euros (not the store currency).
  await sent(a, { campaignId: spring }, '2024-03-09T15:00:00Z', { clickedAt: '2024-03-10T12:00:00Z' });
  await sent(b, { campaignId: spring }, '2024-03-09T15:00:00Z', { clickedAt: '2024-03-30T12:00:00Z' });
  await sent(c, { campaignId: spring }, '2024-03-09T15:00:00Z', { clickedAt: '2024-03-12T12:00:00Z' });
  await order('a', '2024-03-11T12:00:00Z', 12000);
  await order('b', '2024-04-01T02:00:00Z', 8000); // 31 March, 22:00 in New York
  await order('b', '2024-04-02T12:00:00Z', 999); // credited too, but in April
  await order('c', '2024-03-13T12:00:00Z', 5000, 'EUR');
  // Welcome series: two emails and an SMS; D buys after clicking the email.
  await sent(d, { flowId: welcome }, '2024-03-05T10:00:00Z', { clickedAt: '2024-03-06T10:00:00Z' });
  await sent(e, { flowId: welcome }, '2024-03-05T10:00:00Z');
  await sent(d, { flowId: welcome }, '2024-03-06T09:00:00Z', { channel: 'sms' });
  await order('d', '2024-03-07T10:00:00Z', 30000);
  // March newsletter: one email, nobody bought.
  await sent(e, { campaignId: newsletter }, '2024-03-20T15:00:00Z');
  // February promo: sent on 28 February (its cost is February's), clicked and bought from in March.
  await sent(f, { campaignId: february }, '2024-02-28T15:00:00Z', { clickedAt: '2024-03-01T15:00:00Z' });
  await order('f', '2024-03-02T15:00:00Z', 4000);
});
afterAll(async () => app?.close());

const roi = async (from: string, to: string) => (await call('GET', `/api/analytics/roi?from=${from}&to=${to}`)).json() as Roi;

describe('campaign and flow ROI', () => {
  it('credits each campaign and flow with its attributed orders of the range against its cost, largest revenue first', async () => {
    const r = await roi('2024-03-01', '2024-03-31');
    expect(r).toMatchObject({ available: true, currency: 'USD', range: { from: '2024-03-01', to: '2024-03-31' }, attribution: { clickDays: 5, openDays: 1 } });
    expect(r.items).toEqual([
      // 2 emails × 1.50 + 1 SMS × 4.00
      { id: welcome, kind: 'flow', name: 'Welcome series', deleted: false, revenue: 30000, orders: 1, cost: 700, roi: (30000 - 700) / 700 },
      // A 120 + B 80 (31 March in New York); B's April order and C's euro order are left out. 3 emails.
      { id: spring, kind: 'campaign', name: 'Spring sale', deleted: false, revenue: 20000, orders: 2, cost: 450, roi: (20000 - 450) / 450 },
      // Nothing was sent in March: no cost, so no ROI.
      { id: february, kind: 'campaign', name: 'February promo', deleted: false, revenue: 4000, orders: 1, cost: 0, roi: null },
      { id: newsletter, kind: 'campaign', name: 'March newsletter', deleted: false, revenue: 0, orders: 0, cost: 150, roi: -1 },
    ]);
    expect(r.totals).toEqual({ revenue: 54000, orders: 4, cost: 1300, roi: (54000 - 1300) / 1300 });
  });

  it('counts a send in the range it was sent in, and an order in the range it was placed in', async () => {
    const feb = await roi('2024-02-01', '2024-02-29');
    expect(feb.items).toEqual([{ id: february, kind: 'campaign', name: 'February promo', deleted: false, revenue: 0, orders: 0, cost: 150, roi: -1 }]);
    const apr = await roi('2024-04-01', '2024-04-30');
    expect(apr.items).toEqual([{ id: spring, kind: 'campaign', name: 'Spring sale', deleted: false, revenue: 999, orders: 1, cost: 0, roi: null }]);
    expect((await roi('2023-01-01', '2023-12-31')).items).toEqual([]);
  });

  it('refuses a reversed or malformed range with a problem that says what to fix', async () => {
    const bad = async (q: string) => {
      const res = await app.patron.http!.inject({ method: 'GET', url: `/api/analytics/roi?${q}`, headers: owner.headers });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      return res.json() as { errors: { pointer: string; detail: string }[] };
    };
    expect((await bad('from=2024-03-31&to=2024-03-01')).errors).toEqual([{ pointer: '/querystring/to', detail: expect.stringMatching(/on or after from/) }]);
    expect((await bad('from=2024-02-30&to=2024-03-01')).errors[0]).toMatchObject({ pointer: '/querystring/from', detail: expect.stringMatching(/calendar date/) });
    expect((await bad('from=2024-03-01')).errors[0]!.pointer).toBe('/querystring/to');
  });
});
