import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { newId } from '../../platform/ids.ts';
import { putSetting } from '../../platform/settings.ts';
import { startTestApp, type TestApp } from '../../testing/harness.ts';
import { orderInputSchema } from '../commerce/commerce.schemas.ts';

let app: TestApp;
const db = () => app.patron.dbh.db;
const H = 3600_000;
const DAY = 24 * H;
const campaignA = newId();
const campaignB = newId();

async function customer(name: string): Promise<string> {
  return db().transaction().execute(async (tx) => (await app.patron.modules.customers.service.resolve(tx, {
    identities: [{ kind: 'email', value: `${name}@shop.test`, verified: true }], profile: { firstName: name }, source: 'test', actor: SYSTEM_ACTOR,
  })).customerId);
}

/** A sent message with one engagement event `ago` ms before now. */
async function touch(customerId: string, type: 'clicked' | 'opened', ago: number, o: { bot?: boolean; campaignId?: string; purpose?: 'campaign' | 'test' } = {}): Promise<string> {
  const id = newId();
  const at = new Date(Date.now() - ago);
  await db().insertInto('messages').values({
    id, customer_id: customerId, channel: 'email', kind: 'marketing', purpose: o.purpose ?? 'campaign', dedupe_key: `t:${id}`, status: 'sent', skip_reason: null, send_after: at,
    template_id: null, template_version: null, sender_id: null, campaign_id: o.campaignId ?? campaignA, variant: 'B', flow_id: null, flow_version: null, flow_run_id: null, flow_step_id: null,
    vars: '{}', overrides: '{}', to_override: o.purpose === 'test' ? 'team@shop.test' : null, topic: null, last_error: null, claimed_at: null, transport: 'outbox', to_address: `${customerId}@x.test`,
    from_address: null, subject: 'Hi', html: null, text_body: null, headers: null, provider_id: null, sent_at: new Date(at.getTime() - H),
    delivered_at: null, opened_at: null, clicked_at: null, bounced_at: null, bounce_type: null, complained_at: null, unsubscribed_at: null,
  } as never).execute();
  await db().insertInto('message_events').values({ id: newId(), message_id: id, customer_id: customerId, type, occurred_at: at, url: null, is_bot: o.bot ?? false, data: '{}' }).execute();
  return id;
}

/** An order placed now, through the commerce service (it appends Order Completed). */
async function order(customerId: string, total = 5000): Promise<string> {
  const c = await db().selectFrom('customers').select('email').where('id', '=', customerId).executeTakeFirstOrThrow();
  const r = await app.patron.modules.commerce.service.upsertOrder(SYSTEM_ACTOR, orderInputSchema.parse({
    source: 'shopify', externalId: newId(), currency: 'GBP', placedAt: new Date().toISOString(), total, lines: [{ title: 'Mug', quantity: 1, unitPrice: total }], customer: { email: c.email },
  }));
  expect(r.customerId).toBe(customerId);
  return r.id;
}
const attribution = (orderId: string) => db().selectFrom('message_attributions').selectAll().where('order_id', '=', orderId).executeTakeFirst();

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe('last-touch attribution windows', () => {
  it('a click 4 days before the order is credited; 6 days is not', async () => {
    const a = await customer('click4');
    const m = await touch(a, 'clicked', 4 * DAY);
    const o = await order(a, 7300);
    expect(await attribution(o)).toMatchObject({ message_id: m, customer_id: a, campaign_id: campaignA, variant: 'B', touch: 'click', revenue_minor: 7300, currency: 'GBP' });
    const b = await customer('click6');
    await touch(b, 'clicked', 6 * DAY);
    expect(await attribution(await order(b))).toBeUndefined();
  });

  it('an open only: 20 hours before is credited, 30 hours is not', async () => {
    const a = await customer('open20');
    const m = await touch(a, 'opened', 20 * H);
    expect(await attribution(await order(a))).toMatchObject({ message_id: m, touch: 'open' });
    const b = await customer('open30');
    await touch(b, 'opened', 30 * H);
    expect(await attribution(await order(b))).toBeUndefined();
  });

  it('bot opens and test sends never count', async () => {
    const a = await customer('botopen');
    await touch(a, 'opened', H, { bot: true });
    await touch(a, 'clicked', H, { purpose: 'test' });
    expect(await attribution(await order(a))).toBeUndefined();
  });

  it('the last touch wins, and a click beats a more recent open', async () => {
    const a = await customer('last');
    await touch(a, 'clicked', 3 * DAY, { campaignId: campaignA });
    const later = await touch(a, 'clicked', 1 * DAY, { campaignId: campaignB });
    await touch(a, 'opened', H, { campaignId: campaignA });
    expect(await attribution(await order(a))).toMatchObject({ message_id: later, campaign_id: campaignB, touch: 'click' });
  });

  it('is idempotent, and a cancelled order loses its credit', async () => {
    const a = await customer('cancel');
    await touch(a, 'clicked', H);
    const o = await order(a);
    const row = await attribution(o);
    expect(row).toBeDefined();
    const act = await db().selectFrom('activities').selectAll().where('customer_id', '=', a).where('type', '=', 'Order Completed').executeTakeFirstOrThrow();
    await db().transaction().execute((tx) => app.patron.modules.messaging.engagement.attribution.onActivities(tx, [{
      id: act.id, customerId: a, type: 'Order Completed', occurredAt: act.occurred_at, receivedAt: act.received_at, source: 'test', properties: act.properties as Record<string, unknown>, context: null, dedupeKey: null,
    }]));
    expect(await db().selectFrom('message_attributions').select('order_id').where('order_id', '=', o).execute()).toHaveLength(1);
    await db().transaction().execute((tx) => app.patron.activities.append(tx, [{ customerId: a, type: 'Order Cancelled', source: 'test', properties: { patron_order_id: o } }]));
    expect(await attribution(o)).toBeUndefined();
  });

  it('reports revenue and cost per campaign for the analytics dashboard', async () => {
    await app.patron.modules.messaging.engagement.admin.updateSettings(SYSTEM_ACTOR, { costPerEmailMinor: 2 });
    // The dashboard counts orders in the store currency only; these orders are in pounds.
    await putSetting(db(), 'store', { currency: 'GBP' });
    // The orders were placed now; the messages were sent hours to days ago (yesterday, shortly after midnight).
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 7 * DAY).toISOString().slice(0, 10);
    const rows = await app.patron.modules.messaging.engagement.roi.roi(weekAgo, today);
    const a = rows.find((r) => r.id === campaignA)!;
    const b = rows.find((r) => r.id === campaignB)!;
    expect(a).toMatchObject({ kind: 'campaign', revenue: 7300 + 5000, orders: 2, deleted: true });
    expect(b).toMatchObject({ kind: 'campaign', revenue: 5000 });
    expect(a.name).toContain('deleted');
    expect(a.cost).toBeGreaterThan(0);
    expect(a.cost % 2).toBe(0);
  });
});
