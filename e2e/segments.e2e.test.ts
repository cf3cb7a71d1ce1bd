import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { hasBrowser } from './browser.ts';
import { countryCode, firstInvoices, orderBody } from './data.ts';
import { startBrowserTest, visible, type BrowserTest } from './harness.ts';

// The segment builder in a real browser, on the first invoices of the UCI Online Retail data.
let env: BrowserTest;
const EMAIL = 'mara@shop.test';
const PASSWORD = 'mara password 1';

/** Picks an option of a Mantine Select (typing into it first when it is searchable). */
async function pick(page: Page, input: Locator, typed: string | null, option: string | RegExp) {
  await input.click();
  if (typed !== null) await input.fill(typed);
  await page.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
}

describe.skipIf(!hasBrowser)('segment builder in a real browser', () => {
  beforeAll(async () => {
    env = await startBrowserTest({ owner: { email: EMAIL, password: PASSWORD } });
    await env.api('PUT', '/api/settings/store', { currency: 'GBP', timeZone: 'Europe/London' });
    for (const inv of await firstInvoices(40)) await env.api('POST', '/api/orders', orderBody(inv, { country: countryCode(inv.country) }));
  });

  afterAll(() => env?.close());

  it('builds a segment with two conditions, shows the live count and a bad value on its condition, saves it and lists its members', async () => {
    // The oracle: UK customers who spent more than £300 (and, to be a real filter, fewer than all UK customers).
    const db = env.app.patron.dbh.db;
    const count = async (where: ReturnType<typeof sql>) => Number((await sql<{ n: number }>`select count(*)::int as n from customers where merged_into is null and ${where}`.execute(db)).rows[0]!.n);
    const uk = await count(sql`country = 'GB'`);
    const expected = await count(sql`country = 'GB' and total_spent > 30000`);
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(uk);

    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1400, height: 1000 });

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
