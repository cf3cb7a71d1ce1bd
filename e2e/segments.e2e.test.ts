import { firstInvoices } from './data.ts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { loginAs, startTestApp, type Session, type TestApp } from '../server/src/testing/harness.ts';
import { hasBrowser, launch } from './browser.ts';

// The segment builder in a real browser, on the first invoices of the UCI Online Retail data.
const COUNTRIES: Record<string, string> = { 'United Kingdom': 'GB', France: 'FR', Australia: 'AU', Netherlands: 'NL', Germany: 'DE', Norway: 'NO', EIRE: 'IE' };

let app: TestApp;
let browser: Browser;
let owner: Session;
const EMAIL = 'mara@shop.test';
const PASSWORD = 'mara password 1';
const visible = (l: Locator) => l.waitFor({ state: 'visible', timeout: 15_000 });




async function api(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const res = await app.patron.http!.inject({ method, url, headers: owner.headers, payload: payload as Record<string, unknown> });
  if (res.statusCode >= 400) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.json() as unknown;
}

/** Picks an option of a Mantine Select (typing into it first when it is searchable). */
async function pick(page: Page, input: Locator, typed: string | null, option: string | RegExp) {
  await input.click();
  if (typed !== null) await input.fill(typed);
  await page.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
}

describe.skipIf(!hasBrowser)('segment builder in a real browser', () => {
  beforeAll(async () => {
    app = await startTestApp({ listen: true });
    browser = await launch();
    owner = await loginAs(app, 'owner', EMAIL, PASSWORD);
    await api('PUT', '/api/settings/store', { currency: 'GBP', timeZone: 'Europe/London' });
    for (const inv of await firstInvoices(40)) {
      await api('POST', '/api/orders', {
        source: 'uci', externalId: inv.number, number: inv.number, currency: 'GBP', placedAt: inv.placedAt,
        customer: { externalId: inv.customerId, email: `customer${inv.customerId}@example.com`, country: COUNTRIES[inv.country] ?? 'GB' },
        lines: inv.lines.map((l) => ({ productExternalId: l.sku, sku: l.sku, title: l.title, quantity: l.quantity, unitPrice: l.unitPrice })),
      });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('builds a segment with two conditions, shows the live count and a bad value on its condition, saves it and lists its members', async () => {
    // The oracle: UK customers who spent more than £300 (and, to be a real filter, fewer than all UK customers).
    const db = app.patron.dbh.db;
    const count = async (where: ReturnType<typeof sql>) => Number((await sql<{ n: number }>`select count(*)::int as n from customers where merged_into is null and ${where}`.execute(db)).rows[0]!.n);
    const uk = await count(sql`country = 'GB'`);
    const expected = await count(sql`country = 'GB' and total_spent > 30000`);
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(uk);

    const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    await page.goto(`${app.url}/login`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await visible(page.getByRole('heading', { level: 1, name: /^Welcome/ }));

    await page.getByRole('link', { name: 'Segments', exact: true }).click();
    await visible(page.getByText('No segments yet'));
    await page.getByRole('link', { name: 'New segment' }).first().click();
    await visible(page.getByRole('heading', { level: 1, name: 'New segment' }));
    await page.getByLabel('Name').fill('UK big spenders');

    const first = page.getByRole('group', { name: 'Condition 1' });
    await pick(page, first.getByLabel('What to test'), 'Country', /^Country/);
    await pick(page, first.getByLabel('Value'), 'United', /United Kingdom/);
    const preview = page.getByRole('region', { name: 'Preview' });
    await expect.poll(() => preview.getByTestId('preview-count').textContent(), { timeout: 10_000 }).toBe(String(uk));

    await page.getByRole('button', { name: 'Add condition' }).click();
    const second = page.getByRole('group', { name: 'Condition 2' });
    await pick(page, second.getByLabel('What to test'), 'Total spent', 'Total spent');
    // A percentage over 100: the server's error shows on that condition, and the panel says so.
    await pick(page, second.getByLabel('Operator'), null, 'is in the top %');
    await second.getByLabel('Percent').fill('150');
    await visible(second.getByRole('alert').getByText('The value must be a percentage above 0 and at most 100.'));
    await visible(preview.getByText('Fix the conditions marked in red'));
    expect(await first.getByRole('alert').count()).toBe(0);

    await pick(page, second.getByLabel('Operator'), null, 'is more than');
    await second.getByLabel('Amount').fill('300');
    await expect.poll(() => preview.getByTestId('preview-count').textContent(), { timeout: 10_000 }).toBe(String(expected));
    await visible(preview.getByText('Customers whose country is “GB” and total spent is more than £300.00'));
    expect(await second.getByRole('alert').count()).toBe(0);

    await page.getByRole('button', { name: 'Save segment' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'UK big spenders' }));
    const rows = page.getByRole('row').filter({ has: page.getByRole('link', { name: /@example\.com$/ }) });
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(expected);
    await visible(page.getByText(expected === 1 ? 'That’s the only member.' : `That’s all ${expected} members.`));

    // The member's 360° page lists the segment.
    await rows.first().getByRole('link').first().click();
    await page.getByRole('tab', { name: /Segments/ }).click();
    await visible(page.getByRole('link', { name: 'UK big spenders' }));
    await page.context().close();
  }, 120_000);
});
