import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { hasBrowser } from './browser.ts';
import { firstInvoices, orderBody, type Invoice } from './data.ts';
import { startBrowserTest, visible as waitVisible, type BrowserTest } from './harness.ts';

// The analytics page in a real browser, on the first real invoices of the UCI Online Retail data (1 December 2010).
const EMAIL = 'ana@shop.test';
const PASSWORD = 'ana password 123';
const visible = (l: Locator) => waitVisible(l, 20_000);

describe.skipIf(!hasBrowser)('analytics page in a real browser', () => {
  let env: BrowserTest;
  let invoices: Invoice[];

  beforeAll(async () => {
    env = await startBrowserTest({ owner: { email: EMAIL, password: PASSWORD } });
    await env.api('PUT', '/api/settings/store', { currency: 'GBP', timeZone: 'Europe/London' });
    invoices = await firstInvoices(12);
    for (const inv of invoices) await env.api('POST', '/api/orders', orderBody(inv, { country: 'GB' }));
  });

  afterAll(() => env?.close());

  it('shows the KPIs of the last 12 months with orders and lists the orders behind a figure', async () => {
    const total = invoices.reduce((a, inv) => a + inv.lines.reduce((b, l) => b + l.quantity * l.unitPrice, 0), 0);
    const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'GBP' }).format(total / 100);
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1440, height: 900 }, { locale: 'en-US' });

    await page.getByRole('link', { name: 'Analytics', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Analytics' }));
    // The data ends on 1 Dec 2010: the page says so and shows the 12 months up to that day.
    await visible(page.getByText(/No orders since Dec 1, 2010/));
    await visible(page.getByRole('button', { name: `Net revenue: ${money}. Show the orders` }));
    const orders = page.getByRole('button', { name: `Orders: ${invoices.length}. Show the orders` });
    await visible(orders);
    await visible(page.getByRole('button', { name: `New customers: ${new Set(invoices.map((i) => i.customerId)).size}. Show the new customers` }));

    await orders.click();
    const drawer = page.getByRole('dialog');
    await visible(drawer.getByText(`${invoices.length} orders`, { exact: false }));
    await visible(drawer.getByRole('link', { name: '#536365' }));
    const href = await drawer.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(href).toMatch(/^\/api\/analytics\/drilldown\.csv\?from=2009-12-02&to=2010-12-01&metric=orders$/);
    const csv = await page.evaluate(async (u) => (await fetch(u!)).text(), href);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(invoices.length + 1);
    expect(csv).toContain(',536365,2010-12-01T08:26:00.000Z,completed,139.12,');
    await page.context().close();
  });
});
