import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasBrowser } from './browser.ts';
import { firstInvoices, gzipLines, orderBody, UCI_CSV, type Invoice } from './data.ts';
import { startBrowserTest, visible, type BrowserTest, type Method } from './harness.ts';

// The customer screens in a real browser, on real orders: the first invoices of the UCI Online Retail data.

let env: BrowserTest;
const EMAIL = 'olive@shop.test';
const PASSWORD = 'olive password 1';

/**
 * Opens a customer from the filtered list. The list re-renders as the search, its count and the
 * rows arrive; a click that lands on a row being replaced goes nowhere, so it is tried again.
 */
async function openFromList(page: Page, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.getByRole('link', { name }).first().click();
    try {
      await page.getByRole('heading', { level: 1, name }).waitFor({ state: 'visible', timeout: 5_000 });
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

const api = (method: Method, url: string, payload?: unknown) => env.api<{ items?: { id: string; email: string | null; tags: string[] }[] }>(method, url, payload);
const loggedIn = () => env.loggedIn(EMAIL, PASSWORD);

describe.skipIf(!hasBrowser)('customer screens in a real browser', () => {
  let invoices: Invoice[];

  beforeAll(async () => {
    // The worker runs imports (a background job).
    env = await startBrowserTest({ worker: true, owner: { email: EMAIL, password: PASSWORD } });
    await api('PUT', '/api/settings/store', { currency: 'GBP', timeZone: 'Europe/London' });
    invoices = await firstInvoices(12);
    for (const inv of invoices) await api('POST', '/api/orders', orderBody(inv, { country: 'GB' }));
  });

  afterAll(() => env?.close());

  it('finds a customer by email, shows their orders and timeline, and takes a note', async () => {
    const first = invoices[0]!;
    expect(first.number).toBe('536365');
    const email = `customer${first.customerId}@example.com`;
    const page = await loggedIn();

    await page.getByRole('link', { name: 'Customers', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Customers' }));
    await page.getByLabel('Search').fill(email);
    // The list narrows to that one customer.
    await expect.poll(() => page.getByRole('checkbox', { name: /^Select customer/ }).count(), { timeout: 10_000 }).toBe(1);
    await page.getByRole('link', { name: email }).click();

    await visible(page.getByRole('heading', { level: 1, name: email }));
    // The timeline says what the first order was: its number, total in pounds and item count (6+6+8+6+6+2+6).
    await visible(page.getByText('Order #536365 · £139.12 · 40 items'));
    await page.getByRole('tab', { name: /Orders/ }).click();
    await page.getByRole('button', { name: 'Show the lines of order #536365' }).click();
    await visible(page.getByRole('link', { name: 'WHITE HANGING HEART T-LIGHT HOLDER' }));

    await page.getByRole('tab', { name: /Notes/ }).click();
    await page.getByLabel('Add a note').fill(`Asked for a wholesale price list, @${EMAIL} will call back.`);
    await page.getByRole('button', { name: 'Add note' }).click();
    await visible(page.getByRole('article').getByText(/Asked for a wholesale price list/));
    await visible(page.getByRole('article').getByText(`@${EMAIL}`));
    // The note is on the timeline too.
    await page.getByRole('tab', { name: /Activity/ }).click();
    await visible(page.getByText(/^Note by /));
    await page.context().close();
  }, 90_000);

  it('bulk-tags two customers and filters the list by the tag', async () => {
    const page = await loggedIn();
    await page.goto(`${env.app.url}/customers`);
    await visible(page.getByRole('heading', { level: 1, name: 'Customers' }));
    const boxes = page.getByRole('checkbox', { name: /^Select customer/ });
    await expect.poll(() => boxes.count(), { timeout: 10_000 }).toBeGreaterThan(2);
    const names = [(await boxes.nth(0).getAttribute('aria-label'))!.replace('Select ', ''), (await boxes.nth(1).getAttribute('aria-label'))!.replace('Select ', '')];
    await boxes.nth(0).check();
    await boxes.nth(1).check();

    const bar = page.getByRole('group', { name: 'Bulk actions' }).or(page.getByLabel('Bulk actions'));
    await visible(bar.getByText('2 selected customers'));
    await bar.getByRole('button', { name: 'Add tag' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add tags' });
    await dialog.getByLabel('Tags to add').fill('vip');
    await dialog.getByLabel('Tags to add').press('Enter');
    await dialog.getByRole('button', { name: 'Add to 2 customers' }).click();
    await visible(page.getByText('Tagged 2 customers: vip.'));

    // The server has the tag on exactly those two.
    const tagged = await api('GET', '/api/customers?tag=vip');
    expect(tagged.items!.map((c) => c.email).sort()).toEqual([...names].sort());

    // Filtering by the tag lists them and nobody else.
    await page.getByRole('combobox', { name: 'Tags', exact: true }).click();
    await page.getByRole('option', { name: /^vip/ }).click();
    await page.keyboard.press('Escape');
    await page.waitForURL(/tags=/);
    await expect.poll(() => page.getByRole('checkbox', { name: /^Select customer/ }).count(), { timeout: 10_000 }).toBe(2);
    for (const n of names) await visible(page.getByRole('link', { name: n }));
    await page.context().close();
  }, 90_000);

  it('defines a custom attribute, edits a profile with it and shows field errors', async () => {
    await api('POST', '/api/customers', { email: 'ada@shop.test', firstName: 'Ada', lastName: 'Lovelace', country: 'GB' });
    const page = await loggedIn();
    await page.getByRole('link', { name: 'Store', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Store' }));
    await page.getByRole('button', { name: 'Add attribute' }).click();
    const add = page.getByRole('dialog', { name: 'Add custom attribute' });
    await add.getByLabel('Label').fill('Loyalty tier');
    expect(await add.getByLabel('Key').inputValue()).toBe('loyalty_tier');
    await add.getByRole('textbox', { name: 'Type' }).or(add.getByRole('combobox', { name: 'Type' })).click();
    await page.getByRole('option', { name: 'List of options' }).click();
    await add.getByLabel('Options').fill('Gold');
    await add.getByLabel('Options').press('Enter');
    await add.getByLabel('Options').fill('Silver');
    await add.getByLabel('Options').press('Enter');
    await add.getByRole('button', { name: 'Add attribute' }).click();
    await visible(page.getByRole('cell', { name: 'loyalty_tier' }));

    await page.getByRole('link', { name: 'Customers', exact: true }).click();
    await page.getByLabel('Search').fill('ada@shop.test');
    await openFromList(page, 'Ada Lovelace');
    await page.getByRole('button', { name: 'Edit profile' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit profile' });
    await edit.getByLabel('Phone').fill('12');
    await edit.getByRole('button', { name: 'Save profile' }).click();
    // The server's problem names the field; the form shows it under the input.
    await visible(edit.getByText('This is not a phone number'));
    await edit.getByLabel('Phone').fill('+44 20 7946 0001');
    await edit.getByRole('combobox', { name: /Loyalty tier/ }).click();
    await page.getByRole('option', { name: 'Gold' }).click();
    await edit.getByRole('button', { name: 'Save profile' }).click();
    await edit.waitFor({ state: 'hidden' });
    await visible(page.getByRole('link', { name: '+442079460001' }));
    await visible(page.getByText('Gold', { exact: true }));
    await page.context().close();
  }, 90_000);

  it('saves a view of the list and merges two profiles of the same person', async () => {
    await api('POST', '/api/customers', { email: 'ada.l@work.test', firstName: 'Ada', lastName: 'King', phone: '+44 20 7946 0999' });
    const page = await loggedIn();
    await page.goto(`${env.app.url}/customers`);
    await page.getByLabel('Search').fill('ada');
    await expect.poll(() => page.getByRole('checkbox', { name: /^Select Ada/ }).count(), { timeout: 10_000 }).toBe(2);
    await page.getByRole('button', { name: 'Saved views' }).click();
    await page.getByRole('menuitem', { name: 'Save current filters…' }).click();
    const save = page.getByRole('dialog', { name: 'Save view' });
    await save.getByLabel('Name').fill('The Adas');
    await save.getByRole('button', { name: 'Save view' }).click();
    await visible(page.getByRole('button', { name: 'The Adas' }));
    // Clearing the search and picking the view brings it back.
    await page.goto(`${env.app.url}/customers`);
    await expect.poll(() => page.getByRole('checkbox', { name: /^Select / }).count(), { timeout: 10_000 }).toBeGreaterThan(3);
    await page.getByRole('button', { name: 'Saved views' }).click();
    await page.getByRole('menuitem', { name: 'The Adas' }).click();
    await expect.poll(() => page.getByLabel('Search').inputValue()).toBe('ada');
    await expect.poll(() => page.getByRole('checkbox', { name: /^Select customer/ }).count(), { timeout: 10_000 }).toBe(0);

    await openFromList(page, 'Ada Lovelace');
    await page.getByRole('button', { name: 'Merge', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge profiles' });
    await dialog.getByLabel('Find a customer').fill('ada.l@work.test');
    await dialog.getByRole('button', { name: 'Compare with Ada King' }).click();
    // Both have a last name: keep the other profile's.
    await dialog.getByRole('radio', { name: 'Keep Last name King from the other profile' }).check();
    await dialog.getByRole('button', { name: /^Merge into/ }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Ada King' }));
    await page.getByRole('tab', { name: /Identities/ }).click();
    await visible(page.getByRole('cell', { name: 'ada.l@work.test' }));
    await visible(page.getByRole('cell', { name: 'ada@shop.test' }));
    await visible(page.getByText('was merged into this profile'));
    // The merged-away profile points at the survivor.
    const merged = (await api('GET', '/api/customers?q=ada&includeAnonymous=true')).items!;
    expect(merged).toHaveLength(1);
    await page.context().close();
  }, 90_000);

  it('imports a slice of the UCI file from the Import page: upload, dry run, then for real', async () => {
    // Lines 1–2,000 of the real file (header included), cut at run time.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patron-e2e-'));
    const file = path.join(dir, 'uci-2000.csv');
    const lines: string[] = [];
    const rl = gzipLines(UCI_CSV);
    for await (const line of rl) {
      lines.push(line);
      if (lines.length === 2000) break;
    }
    rl.close();
    fs.writeFileSync(file, lines.join('\n') + '\n');

    const page = await loggedIn();
    await page.getByRole('link', { name: 'Import', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Import' }));
    await page.locator('input[type=file]').setInputFiles(file);
    await visible(page.getByRole('heading', { level: 1, name: 'uci-2000.csv' }));
    // The file is recognised from its columns.
    await visible(page.getByText('Recognised as UCI Online Retail from its column names.'));
    await page.getByRole('button', { name: 'Dry run' }).click();
    await visible(page.getByText('Dry run finished: nothing was written'));
    await page.getByRole('button', { name: 'Import for real' }).click();
    await page.getByText('Import finished').waitFor({ timeout: 60_000 });
    // Orders 536365.. are in the file; the first 12 invoices were already there (posted by the API above) and were updated, not doubled.
    const orders = await env.app.patron.dbh.db.selectFrom('orders').select((eb) => eb.fn.countAll<string>().as('n')).where('external_id', '=', '536365').executeTakeFirstOrThrow();
    expect(Number(orders.n)).toBe(1);
    const history = await api('GET', '/api/imports');
    expect(history.items).toHaveLength(1);
    await page.context().close();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
