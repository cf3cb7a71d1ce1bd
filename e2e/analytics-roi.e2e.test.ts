import { sql } from 'kysely';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../server/src/platform/audit/audit.ts';
import { newId } from '../server/src/platform/ids.ts';
import { hasBrowser } from './browser.ts';
import { firstInvoices, type Invoice } from './data.ts';
import { startBrowserTest, visible as waitVisible, type BrowserTest } from './harness.ts';

// The analytics page's campaign and flow ROI card in a real browser: the first real invoices of the
// UCI Online Retail data (1 December 2010), each bought after a click on a campaign or flow email.
// SHOTS=<dir> saves screenshots of the card.
const EMAIL = 'roi@shop.test';
const PASSWORD = 'roi password 123';
const visible = (l: Locator) => waitVisible(l, 20_000);
const SENDERS = [
  { name: 'Christmas gift guide', kind: 'campaign', sends: 420 },
  { name: 'Welcome series', kind: 'flow', sends: 60 },
  { name: 'Winter sale: 20% off', kind: 'campaign', sends: 380 },
  { name: 'Abandoned checkout reminder', kind: 'flow', sends: 45 },
  { name: 'New arrivals for December', kind: 'campaign', sends: 300 },
  { name: 'Last order dates for Christmas delivery', kind: 'campaign', sends: 250 },
] as const;

describe.skipIf(!hasBrowser)('campaign and flow ROI on the analytics page', () => {
  let env: BrowserTest;
  let invoices: Invoice[];
  const ids = SENDERS.map(() => newId());

  beforeAll(async () => {
    env = await startBrowserTest({ owner: { email: EMAIL, password: PASSWORD } });
    const { app, api } = env;
    const db = app.patron.dbh.db;
    await api('PUT', '/api/settings/store', { currency: 'GBP', timeZone: 'Europe/London' });
    await api('PATCH', '/api/messaging/engagement-settings', { costPerEmailMinor: 10 });
    for (const [i, s] of SENDERS.entries()) {
      if (s.kind === 'campaign') await sql`insert into campaigns (id, name, created_by, status) values (${ids[i]!}, ${s.name}, 'e2e', 'sent')`.execute(db);
      else await sql`insert into flows (id, name, trigger_type, webhook_secret, created_by, status) values (${ids[i]!}, ${s.name}, 'manual', 'whsec_e2e', 'e2e', 'live')`.execute(db);
    }
    invoices = await firstInvoices(30);
    const customers = new Map<string, string>();
    for (const inv of invoices) {
      if (customers.has(inv.customerId)) continue;
      customers.set(inv.customerId, await db.transaction().execute(async (tx) => (await app.patron.modules.customers.service.resolve(tx, {
        identities: [{ kind: 'email', value: `customer${inv.customerId}@example.com`, verified: true }], source: 'e2e', actor: SYSTEM_ACTOR,
      })).customerId));
    }
    // Every sender mails everyone the day before; each customer clicks one (the last sender gets no clicks), then buys.
    const buyers = [...customers.values()];
    const weights = [0, 0, 0, 1, 1, 2, 2, 3, 4];
    for (const [i, s] of SENDERS.entries()) {
      const by = s.kind === 'campaign' ? { campaign: ids[i]!, flow: null } : { campaign: null, flow: ids[i]! };
      await sql`
        insert into messages (id, customer_id, channel, kind, purpose, dedupe_key, status, send_after, campaign_id, flow_id, flow_version, flow_step_id, vars, overrides, transport, to_address, subject, sent_at)
        select gen_random_uuid(), (${buyers}::uuid[])[1 + g % ${buyers.length}], 'email', 'marketing', ${s.kind}, ${`e2e:${i}:`} || g, 'sent', timestamptz '2010-11-30 09:00Z',
          ${by.campaign}::uuid, ${by.flow}::uuid, ${by.flow ? 1 : null}::int, ${by.flow ? 'email-1' : null}, '{}', '{}', 'outbox', 'x@example.com', 'Hello', timestamptz '2010-11-30 09:00Z'
        from generate_series(1, ${s.sends}) g`.execute(db);
    }
    for (const [k, customerId] of buyers.entries()) {
      const sender = weights[k % weights.length]!;
      const m = await db.selectFrom('messages').select('id').where('customer_id', '=', customerId).where(SENDERS[sender]!.kind === 'campaign' ? 'campaign_id' : 'flow_id', '=', ids[sender]!).executeTakeFirstOrThrow();
      await db.insertInto('message_events').values({ id: newId(), message_id: m.id, customer_id: customerId, type: 'clicked', occurred_at: new Date('2010-11-30T18:00:00Z'), url: null, is_bot: false, data: '{}' }).execute();
    }
    for (const inv of invoices) {
      await api('POST', '/api/orders', {
        source: 'uci', externalId: inv.number, number: inv.number, currency: 'GBP', placedAt: inv.placedAt, customer: { email: `customer${inv.customerId}@example.com`, country: 'GB' },
        lines: inv.lines.map((l) => ({ productExternalId: l.sku, sku: l.sku, title: l.title, quantity: l.quantity, unitPrice: l.unitPrice })),
      });
    }
  });

  afterAll(() => env?.close());

  async function open(search: string): Promise<{ page: Page; card: Locator; close(): Promise<void> }> {
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1440, height: 900 }, { locale: 'en-US' });
    await page.goto(`${env.app.url}/analytics${search}`);
    const card = page.locator('.mantine-Paper-root').filter({ has: page.getByRole('heading', { name: 'Campaign and flow ROI' }) });
    await visible(card);
    await card.scrollIntoViewIfNeeded();
    return { page, card, close: () => page.context().close() };
  }

  it('shows attributed revenue per campaign and flow, with cost and ROI, linked to each', async () => {
    const roi = await env.api<{ items: { id: string; revenue: number; cost: number }[]; totals: { revenue: number; orders: number } }>('GET', '/api/analytics/roi?from=2009-12-02&to=2010-12-01');
    const total = invoices.reduce((a, inv) => a + inv.lines.reduce((b, l) => b + l.quantity * l.unitPrice, 0), 0);
    expect(roi.totals).toMatchObject({ revenue: total, orders: invoices.length });

    const { page, card, close } = await open('');
    const gift = card.getByRole('link', { name: 'Christmas gift guide' });
    await visible(gift);
    expect(await gift.getAttribute('href')).toBe(`/campaigns/${ids[0]}`);
    expect(await card.getByRole('link', { name: 'Welcome series' }).getAttribute('href')).toBe(`/flows/${ids[1]}`);
    // 420 emails at £0.10; the last sender had no orders: −100%.
    await page.waitForTimeout(600); // the bars' entry animation
    if (process.env.SHOTS) {
      await card.screenshot({ path: `${process.env.SHOTS}/analytics-roi.png` });
      await page.screenshot({ path: `${process.env.SHOTS}/analytics-roi-page.png`, fullPage: true });
    }
    await visible(card.getByRole('row').filter({ hasText: 'Christmas gift guide' }).getByText('£42.00'));
    await visible(card.getByRole('row').filter({ hasText: 'Last order dates' }).getByText('-100%'));
    await card.locator('.recharts-bar-rectangle').first().hover();
    await visible(page.getByText(/ROI \d/));
    if (process.env.SHOTS) await card.screenshot({ path: `${process.env.SHOTS}/analytics-roi-tooltip.png` });
    await close();
  }, 120_000);

  it('says what to do when nothing was attributed in the range', async () => {
    const { card, close } = await open('?preset=custom&from=2009-01-01&to=2009-01-31');
    await visible(card.getByText(/Send a campaign or switch on a flow; orders within 5 days of a click, or 1 day of an open, are attributed\./));
    await visible(card.getByRole('link', { name: 'Campaigns' }));
    if (process.env.SHOTS) await card.screenshot({ path: `${process.env.SHOTS}/analytics-roi-empty.png` });
    await close();
  }, 120_000);
});
