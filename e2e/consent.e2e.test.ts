import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../server/src/platform/audit/audit.ts';
import { hasBrowser } from './browser.ts';
import { screenshots, startBrowserTest, visible, type BrowserTest } from './harness.ts';

// Marketing consent on the 360° page, the list's count and consent filter, and tagging everyone a filter matches.
let env: BrowserTest;
const EMAIL = 'cora@shop.test';
const PASSWORD = 'cora password 1';
// SCREENSHOTS=dir saves what the tests see (for people checking the pages by eye).
const shot = screenshots(process.env.SCREENSHOTS);
const loggedIn = () => env.loggedIn(EMAIL, PASSWORD, { width: 1280, height: 900 });

describe.skipIf(!hasBrowser)('consent, counts and bulk tagging in a real browser', () => {
  beforeAll(async () => {
    env = await startBrowserTest({ worker: true, owner: { email: EMAIL, password: PASSWORD } });
    const { app } = env;
    const db = app.patron.dbh.db;
    // 1,500 customers, a third of them email subscribers (as a Shopify import would leave them).
    await sql`
      insert into customers (id, first_name, last_name, email, source, country, created_at)
      select gen_random_uuid(), 'Shopper', 'No ' || i, 'shopper' || i || '@example.com', 'shopify', 'GB', now() - make_interval(mins => i)
      from generate_series(1, 1500) i`.execute(db);
    await sql`
      insert into customer_consents (customer_id, channel, status, source, updated_at, event_id)
      select id, 'email', 'subscribed', 'shopify', now() - interval '30 days', gen_random_uuid() from customers where (substring(email from 'shopper(\\d+)@'))::int % 3 = 0`.execute(db);
    await sql`analyze customers`.execute(db);
    const { id } = await env.api<{ id: string }>('POST', '/api/customers', { email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper', country: 'US', consent: { email: 'pending' } });
    await db.transaction().execute((tx) => app.patron.modules.customers.consent.set(tx, {
      customerId: id, channel: 'email', status: 'subscribed', source: 'shopify', method: 'double_opt_in', actor: { ...SYSTEM_ACTOR, label: 'shopify webhook (Main)' },
      evidence: { email_marketing_consent: { state: 'subscribed', opt_in_level: 'confirmed_opt_in' } },
    }));
  });

  afterAll(() => env?.close());

  it('shows consent per channel with its history, and changes it with a reason', async () => {
    const page = await loggedIn();
    await page.goto(`${env.app.url}/customers?q=grace`);
    await page.getByRole('link', { name: 'Grace Hopper' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Grace Hopper' }));
    await visible(page.getByLabel(/^Email marketing: Subscribed since/).first());
    await visible(page.getByLabel('SMS marketing: Not subscribed').first());
    const panel = page.getByRole('region', { name: 'Consent' });
    await visible(panel.getByText('Email: pending'));
    await visible(panel.getByText('(was pending)'));

    await page.getByRole('button', { name: 'Change SMS marketing consent' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change SMS marketing consent' });
    await dialog.getByRole('button', { name: 'Save consent' }).click();
    await visible(dialog.getByText('Pick the new status'));
    await dialog.getByLabel('Subscribed', { exact: true }).check();
    await dialog.getByLabel('Reason').fill('Signed up for text alerts at the Leeds pop-up, paper form 114');
    await shot(page, 'consent-modal');
    await dialog.getByRole('button', { name: 'Save consent' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await visible(page.getByLabel(/^SMS marketing: Subscribed since/).first());
    await visible(panel.getByText('“Signed up for text alerts at the Leeds pop-up, paper form 114”'));
    await shot(page, 'consent-profile');
    const audit = await env.app.patron.dbh.db.selectFrom('audit_log').select('actor_label').where('action', '=', 'customer.consent_changed').execute();
    expect(audit.map((a) => a.actor_label)).toContain(EMAIL);
    await page.context().close();
  }, 90_000);

  it('counts the list, filters it by email consent, and tags everyone matching', async () => {
    const page = await loggedIn();
    await page.goto(`${env.app.url}/customers`);
    await visible(page.getByText('1,501 customers', { exact: true }));
    await shot(page, 'customers-count', false);
    await page.getByRole('button', { name: 'More filters' }).click();
    await page.getByRole('textbox', { name: 'Email marketing' }).or(page.getByRole('combobox', { name: 'Email marketing' })).click();
    await page.getByRole('option', { name: 'Subscribed', exact: true }).click();
    await page.waitForURL(/emailConsent=subscribed/);
    await visible(page.getByText('501 customers match', { exact: true }));

    await page.getByRole('checkbox', { name: 'Select all customers shown' }).check();
    const bar = page.getByLabel('Bulk actions');
    await visible(bar.getByText('50 selected customers'));
    await bar.getByRole('button', { name: 'Select all 501' }).click();
    await visible(bar.getByText('All 501 matching customers'));
    await shot(page, 'customers-select-all', false);
    await bar.getByRole('button', { name: 'Add tag' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add tags' });
    await visible(dialog.getByText(/Applies to all 501 matching customers/));
    await dialog.getByLabel('Tags to add').fill('newsletter');
    await dialog.getByLabel('Tags to add').press('Enter');
    await dialog.getByRole('button', { name: 'Add to 501 customers' }).click();
    await visible(page.getByText('Tagged 501 customers: newsletter.'));
    expect(await env.api('GET', '/api/customers/count?tag=newsletter')).toEqual({ count: 501, approximate: false });

    // More than 1,000: a background job, its progress above the list, a notice when it is done.
    await page.goto(`${env.app.url}/customers`);
    await visible(page.getByText('1,501 customers', { exact: true }));
    await page.getByRole('checkbox', { name: 'Select all customers shown' }).check();
    await bar.getByRole('button', { name: 'Select all 1,501' }).click();
    await bar.getByRole('button', { name: 'Add tag' }).click();
    await dialog.getByLabel('Tags to add').fill('spring-sale');
    await dialog.getByLabel('Tags to add').press('Enter');
    await dialog.getByLabel('Tags to add').press('Tab'); // closes the suggestions over the button
    await dialog.getByRole('button', { name: 'Add to 1,501 customers' }).click();
    await visible(page.getByText(/Tagging 1,501 customers in the background/));
    await shot(page, 'customers-bulk-job', false);
    await visible(page.getByText('Bulk tagging finished'));
    expect((await env.api<{ count: number }>('GET', '/api/customers/count?tag=spring-sale')).count).toBe(1501);
    await page.context().close();
  }, 120_000);
});
