import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type Actor } from '../../platform/audit/audit.ts';
import { putSetting } from '../../platform/settings.ts';
import { loginAs, startTestApp, type TestApp } from '../../testing/harness.ts';

let app: TestApp;
let owner: Actor;

beforeAll(async () => {
  app = await startTestApp();
  const s = await loginAs(app, 'owner', 'owner@shop.test');
  owner = { type: 'user', id: s.userId, label: 'owner@shop.test' };
  await putSetting(app.patron.dbh.db, 'store', { name: 'Demo shop', currency: 'GBP', timeZone: 'Europe/London' });
  const commerce = app.patron.modules.commerce.service;
  for (let i = 0; i < 40; i++) {
    await commerce.upsertOrder(SYSTEM_ACTOR, {
      source: 'demo', externalId: `o${i}`, number: String(5000 + i), customer: { email: `c${i}@example.com`, firstName: `Cust${i}` }, status: 'completed', currency: 'GBP',
      discountTotal: 0, taxTotal: 0, shippingTotal: 0, discountCodes: [], placedAt: new Date(Date.now() - i * 86_400_000),
      lines: [{ productExternalId: `p${i % 5}`, sku: `P${i % 5}`, title: ['Blue mug', 'Tea towel', 'Lantern', 'Candle', 'Cushion'][i % 5]!, quantity: 1, unitPrice: 1500 }],
    });
  }
  await app.patron.modules.customers.service.refreshAllCommerceStats(app.patron.dbh.db);
});
afterAll(async () => app?.close());

describe('support demo data', () => {
  it('loads teams, macros, rules and a few dozen realistic conversations that the rules routed', async () => {
    const r = await app.patron.modules.support.tickets.demo(owner, () => undefined);
    expect(r.tickets).toBe(36);
    const list = await app.patron.modules.support.tickets.inbox.list({ view: 'all', sort: 'newest', limit: 200 }, owner.id);
    expect(list.items).toHaveLength(36);
    const statuses = new Set(list.items.map((t) => t.status));
    expect([...statuses].sort()).toEqual(['closed', 'new', 'on_hold', 'open', 'pending', 'solved']);
    expect(new Set(list.items.map((t) => t.channel)).size).toBeGreaterThanOrEqual(5);
    // The returns rule routed returns to the Returns team; the real order number is in the subject.
    const ret = list.items.find((t) => t.subject.startsWith('Return request'))!;
    expect(ret.teamName).toBe('Returns');
    expect(list.items.some((t) => /#50\d\d/.test(t.subject))).toBe(true);
    const d = await app.patron.modules.support.tickets.service.detail(list.items.find((t) => t.subject.startsWith('Double charged'))!.id);
    expect(d.messages.map((m) => m.direction)).toEqual(['inbound', 'internal', 'outbound']);
  });
});
