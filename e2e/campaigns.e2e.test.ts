import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../server/src/platform/audit/audit.ts';
import { loginAs } from '../server/src/testing/harness.ts';
import { hasBrowser } from './browser.ts';
import { countryCode, firstInvoices, orderBody } from './data.ts';
import { DOCS_SCREENSHOTS, screenshots, startBrowserTest, visible, type BrowserTest } from './harness.ts';

// A campaign built in the wizard and sent to a segment of real customers (the first invoices of the UCI
// Online Retail data), of whom only the UK ones subscribed to email marketing. A send to the French ones
// (no consent) is refused on the page; the UK send is delivered by the worker to the outbox (no SMTP
// configured) and the report counts every message sent. PATRON_SCREENSHOTS=1 saves the pages.
const EMAIL = 'cara@shop.test';
const PASSWORD = 'cara password 1';
const shot = screenshots(DOCS_SCREENSHOTS);

let env: BrowserTest;

async function pick(page: Page, input: Locator, typed: string, option: string | RegExp) {
  await input.click();
  await input.fill(typed);
  await page.getByRole('option', { name: option }).click();
  await page.keyboard.press('Escape');
}

describe.skipIf(!hasBrowser)('campaigns in a real browser', () => {
  let expected = 0;

  beforeAll(async () => {
    // With the worker: the start job and the dispatcher run as in production.
    env = await startBrowserTest({ worker: true, owner: { email: 'owner@shop.test', password: 'owner password 1' } });
    const { app, api } = env;
    await loginAs(app, 'marketer', EMAIL, PASSWORD);
    await api('PUT', '/api/settings/store', { currency: 'GBP', timeZone: 'Europe/London' });
    for (const inv of await firstInvoices(60)) await api('POST', '/api/orders', orderBody(inv, { country: countryCode(inv.country) }));
    const db = app.patron.dbh.db;
    const uk = (await sql<{ id: string }>`select id from customers where country = 'GB' and email is not null and merged_into is null order by id`.execute(db)).rows;
    // Every UK customer subscribes except one, who stays out of the audience.
    for (const c of uk.slice(1)) {
      await db.transaction().execute((tx) => app.patron.modules.customers.consent.set(tx, { actor: SYSTEM_ACTOR, method: 'api', customerId: c.id, channel: 'email', status: 'subscribed', source: 'test' }));
    }
    expected = uk.length - 1;
    expect(expected).toBeGreaterThan(2);
    await api('POST', '/api/segments', { name: 'UK customers', definition: { version: 1, root: { kind: 'group', match: 'all', conditions: [{ kind: 'field', field: 'country', op: 'is', value: 'GB' }] } } });
    await api('POST', '/api/segments', { name: 'French customers', definition: { version: 1, root: { kind: 'group', match: 'all', conditions: [{ kind: 'field', field: 'country', op: 'is', value: 'FR' }] } } });
    await api('POST', '/api/messaging/templates', { name: 'Spring newsletter', channel: 'email', kind: 'marketing', format: 'html', subject: 'Spring is here', body: '<h1>Hello {{ customer.first_name | default: "there" }}</h1><p><a href="https://shop.example/spring">See what is new</a></p>' });
  });

  afterAll(() => env?.close());

  it('creates a campaign in the wizard, refuses an audience without consent, sends to the consented segment and reports every message sent', async () => {
    const { app, api } = env;
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1400, height: 1000 });

    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    await visible(page.getByText('No campaigns yet'));
    await page.getByRole('link', { name: 'New campaign' }).first().click();
    await visible(page.getByRole('heading', { level: 1, name: 'New campaign' }));

    // Message
    await page.getByLabel('Name').fill('Spring launch');
    await pick(page, page.getByRole('combobox', { name: 'Template', exact: true }), 'Spring', 'Spring newsletter');
    await page.getByRole('button', { name: 'Next' }).first().click();

    // Audience: the French segment first — nobody there subscribed.
    const audience = page.getByRole('region', { name: 'Audience' });
    await pick(page, page.getByRole('combobox', { name: 'Send to', exact: true }), 'French', /^French customers/);
    await expect.poll(() => audience.getByTestId('audience-recipients').textContent(), { timeout: 10_000 }).toBe('0');
    await visible(audience.getByText('No one in this audience has email marketing consent, so it cannot be sent.'));
    await shot(page, 'campaign-audience-no-consent');

    // Straight to review and send: the server refuses, saying why.
    await page.getByRole('button', { name: /Review/ }).click();
    await page.getByRole('button', { name: 'Send now' }).first().click();
    await visible(page.getByRole('alert').getByText(/No recipient has email marketing consent/));

    // Swap the audience for the UK segment: the count is the consented UK customers.
    await page.getByRole('button', { name: /Audience/ }).click();
    await page.getByRole('combobox', { name: 'Send to', exact: true }).click();
    await page.keyboard.press('Backspace');
    await pick(page, page.getByRole('combobox', { name: 'Send to', exact: true }), 'UK', /^UK customers/);
    await expect.poll(() => audience.getByTestId('audience-recipients').textContent(), { timeout: 10_000 }).toBe(String(expected));
    await shot(page, 'campaign-wizard-audience');
    if (DOCS_SCREENSHOTS) {
      await page.getByRole('button', { name: /Schedule/ }).click();
      await page.getByText('Recipient’s local time').click();
      await shot(page, 'campaign-wizard-schedule');
      await page.getByText('Send now', { exact: true }).click();
      await page.getByRole('button', { name: /A\/B test/ }).click();
      await page.getByRole('switch', { name: 'Test variants before sending to everyone' }).check({ force: true });
      await shot(page, 'campaign-wizard-ab');
      await page.getByRole('switch', { name: 'Test variants before sending to everyone' }).uncheck({ force: true });
    }
    await page.getByRole('button', { name: /Review/ }).click();
    await visible(page.getByRole('cell', { name: 'UK customers' }));
    await shot(page, 'campaign-wizard-review');
    await page.getByRole('button', { name: 'Send now' }).first().click();

    // The report: polled until the dispatcher has sent every message to the outbox.
    await visible(page.getByRole('heading', { level: 1, name: 'Spring launch' }));
    const stats = page.getByTestId('campaign-stats');
    const sentValue = stats.getByText('Sent', { exact: true }).locator('xpath=following-sibling::*[1]');
    await expect.poll(() => sentValue.textContent().catch(() => null), { timeout: 60_000, interval: 1000 }).toBe(String(expected));
    // Its last message sent, the campaign is too.
    await visible(page.locator('.mantine-Badge-root', { hasText: /^Sent$/ }));
    await shot(page, 'campaign-report');

    const campaigns = await api<{ items: { id: string; name: string; status: string }[] }>('GET', '/api/messaging/campaigns');
    const id = campaigns.items.find((c) => c.name === 'Spring launch')!.id;
    const msgs = await app.patron.dbh.db.selectFrom('messages').select(['status', 'customer_id', 'transport']).where('campaign_id', '=', id).execute();
    expect(msgs).toHaveLength(expected);
    expect(new Set(msgs.map((m) => m.customer_id)).size).toBe(expected);
    expect(msgs.every((m) => m.status === 'sent')).toBe(true);

    // The list shows it with its numbers.
    await page.getByRole('link', { name: 'Campaigns', exact: true }).first().click();
    await visible(page.getByRole('link', { name: 'Spring launch' }));
    await page.context().close();
  }, 180_000);

  it('shows an A/B test: variants, the winner after the test, link clicks and attributed revenue', async () => {
    const { app, api } = env;
    const db = app.patron.dbh.db;
    // The same customers got the first campaign moments ago: smart sending would (rightly) skip them.
    await api('PUT', '/api/messaging/settings/guardrails', { smartSendingHours: null });
    const segments = await api<{ items: { id: string; name: string }[] }>('GET', '/api/segments');
    const templates = await api<{ items: { id: string }[] }>('GET', '/api/messaging/templates?channel=email');
    const created = await api<{ id: string }>('POST', '/api/messaging/campaigns', {
      name: 'Summer subject test', templateId: templates.items[0]!.id, include: [segments.items.find((s) => s.name === 'UK customers')!.id],
      abTest: { variants: [{ subject: 'Summer is here' }, { subject: 'Your summer picks, 20% off' }], testPercent: 50, metric: 'clicks', waitHours: 4 },
    });
    await api('POST', `/api/messaging/campaigns/${created.id}/send`);
    // The worker starts it and sends the test half.
    await expect.poll(async () => (await db.selectFrom('messages').select('id').where('campaign_id', '=', created.id).where('status', '=', 'sent').execute()).length, { timeout: 60_000, interval: 500 })
      .toBe(Math.max(2, Math.round(expected / 2)));
    const sent = await db.selectFrom('messages').select(['id', 'variant', 'customer_id']).where('campaign_id', '=', created.id).orderBy('id').execute();
    const b = sent.filter((m) => m.variant === 'B');
    const a = sent.filter((m) => m.variant === 'A');
    // Recipients engage: more clicks on B (a scanner's click on A does not count), one order after a B click.
    const event = (messageId: string, type: 'opened' | 'clicked', url: string | null, isBot = false) =>
      sql`insert into message_events (id, message_id, type, url, is_bot) values (gen_random_uuid(), ${messageId}, ${type}, ${url}, ${isBot})`.execute(db);
    for (const m of [...a, ...b].slice(0, Math.ceil(sent.length * 0.6))) {
      await event(m.id, 'opened', null);
      await db.updateTable('messages').set({ opened_at: new Date() }).where('id', '=', m.id).execute();
    }
    for (const m of b.slice(0, 2)) {
      await event(m.id, 'clicked', 'https://shop.example/summer');
      await db.updateTable('messages').set({ clicked_at: new Date() }).where('id', '=', m.id).execute();
    }
    await event(b[0]!.id, 'clicked', 'https://shop.example/summer/picks');
    await event(a[0]!.id, 'clicked', 'https://shop.example/summer', true);
    const order = await db.selectFrom('orders').select(['id', 'total', 'currency']).where('customer_id', '=', b[0]!.customer_id!).executeTakeFirstOrThrow();
    await sql`insert into message_attributions (order_id, message_id, customer_id, campaign_id, variant, touch, touched_at, revenue_minor, currency, ordered_at)
      values (${order.id}, ${b[0]!.id}, ${b[0]!.customer_id}, ${created.id}, 'B', 'click', now(), ${order.total}, ${order.currency}, now())`.execute(db);
    // The test ends: the winner goes to the rest.
    await app.patron.modules.messaging.campaigns.runner.pickWinner(created.id);

    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1400, height: 1000 });
    await page.goto(`${app.url}/campaigns/${created.id}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Summer subject test' }));
    const winnerRow = page.getByRole('row').filter({ hasText: 'Your summer picks, 20% off' });
    await visible(winnerRow.getByText('Winner'));
    await visible(page.getByRole('link', { name: 'shop.example/summer/picks' }));
    const stats = page.getByTestId('campaign-stats');
    await expect.poll(() => stats.getByText('Orders', { exact: true }).locator('xpath=following-sibling::*[1]').textContent()).toBe('1');
    // Everyone gets it in the end.
    await expect.poll(() => stats.getByText('Sent', { exact: true }).locator('xpath=following-sibling::*[1]').textContent(), { timeout: 60_000, interval: 1000 }).toBe(String(expected));
    await shot(page, 'campaign-report-ab');
    // The list's chart: the A/B campaign converted, the first one did not.
    await page.getByRole('link', { name: 'Campaigns', exact: true }).first().click();
    await visible(page.getByText('Conversion rate per campaign'));
    await visible(page.getByText('Best: Summer subject test'));
    await shot(page, 'campaigns-list');
    await page.context().close();
  }, 180_000);
});
