import { firstInvoices, type Invoice } from './data.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import { loginAs, startTestApp, type Session, type TestApp } from '../server/src/testing/harness.ts';
import { hasBrowser, launch } from './browser.ts';

// The analytics page in a real browser, on the first real invoices of the UCI Online Retail data (1 December 2010).
const EMAIL = 'ana@shop.test';
const PASSWORD = 'ana password 123';
const visible = (l: Locator) => l.waitFor({ state: 'visible', timeout: 20_000 });



describe.skipIf(!hasBrowser)('analytics page in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let owner: Session;
  let invoices: Invoice[];

  beforeAll(async () => {
    app = await startTestApp({ listen: true });
    browser = await launch();
    owner = await loginAs(app, 'owner', EMAIL, PASSWORD);
    const api = async (method: 'POST' | 'PUT', url: string, payload: unknown) => {
      const res = await app.patron.http!.inject({ method, url, headers: owner.headers, payload: payload as Record<string, unknown> });
      if (res.statusCode >= 400) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
    };
    await api('PUT', '/api/settings/store', { currency: 'GBP', timeZone: 'Europe/London' });
    invoices = await firstInvoices(12);
    for (const inv of invoices) {
      await api('POST', '/api/orders', {
        source: 'uci', externalId: inv.number, number: inv.number, currency: 'GBP', placedAt: inv.placedAt,
        customer: { externalId: inv.customerId, email: `customer${inv.customerId}@example.com`, country: 'GB' },
        lines: inv.lines.map((l) => ({ productExternalId: l.sku, sku: l.sku, title: l.title, quantity: l.quantity, unitPrice: l.unitPrice })),
      });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the KPIs of the last 12 months with orders and lists the orders behind a figure', async () => {
    const total = invoices.reduce((a, inv) => a + inv.lines.reduce((b, l) => b + l.quantity * l.unitPrice, 0), 0);
    const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'GBP' }).format(total / 100);
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const page = await ctx.newPage();
    await page.goto(`${app.url}/login`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await visible(page.getByRole('heading', { level: 1, name: /^Welcome/ }));

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
    await ctx.close();
  });
});
