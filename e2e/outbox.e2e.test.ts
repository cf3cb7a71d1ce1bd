import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { SYSTEM_ACTOR } from '../server/src/platform/audit/audit.ts';
import { newId } from '../server/src/platform/ids.ts';
import { loginAs } from '../server/src/testing/harness.ts';
import { hasBrowser } from './browser.ts';
import { firstInvoices, type Invoice } from './data.ts';
import { DOCS_SCREENSHOTS, screenshots, startBrowserTest, visible, type BrowserTest } from './harness.ts';

// Settings → Email & SMS and the Outbox in a real browser: a sender and guardrails set in the UI, then
// messages to customers of the real UCI data (first invoices) queued and dispatched with no SMTP server,
// so they stay in the outbox, where the list, the sandboxed HTML, the text part and the events are checked.
// PATRON_SCREENSHOTS=1 saves the pages into docs/screenshots.
let env: BrowserTest;
const EMAIL = 'olive@shop.test';
const PASSWORD = 'olive password 1';
const MARKETER = 'mark@shop.test';
const shot = screenshots(DOCS_SCREENSHOTS);

/** A TCP port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Turns a Mantine switch on by its visible label (its input is visually hidden). */
async function toggle(scope: Locator, label: string) {
  await scope.locator('label', { hasText: label }).first().click();
  await expect.poll(() => scope.getByRole('switch', { name: label }).isChecked()).toBe(true);
}

const hhmm = (h: number) => `${String(((h % 24) + 24) % 24).padStart(2, '0')}:00`;

describe.skipIf(!hasBrowser)('outbox and Email & SMS settings in a real browser', () => {
  beforeAll(async () => {
    // No worker: the test dispatches the queue itself, batch by batch.
    env = await startBrowserTest({ owner: { email: EMAIL, password: PASSWORD } });
    await loginAs(env.app, 'marketer', MARKETER, PASSWORD);
    await env.api('PUT', '/api/settings/store', { currency: 'GBP', timeZone: 'Europe/London' });
  });

  afterAll(() => env?.close());

  it('adds a sender, sets guardrails and reports a failed SMTP test, read-only where the role may not write', async () => {
    const { app, api } = env;
    const page = await env.loggedIn(EMAIL, PASSWORD);
    await page.getByRole('link', { name: 'Email & SMS', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Email & SMS' }));
    const delivery = page.getByRole('region', { name: 'Email delivery' });
    await visible(delivery.getByText('Outbox only'));

    // A sender: the first one becomes the default.
    const senders = page.getByRole('region', { name: 'Senders' });
    await visible(senders.getByText('No senders yet'));
    await senders.getByRole('button', { name: 'Add sender' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add sender' });
    await dialog.getByLabel('From name').fill('Regency Gifts');
    await dialog.getByLabel('From address').fill('not an address');
    await dialog.getByRole('button', { name: 'Add sender' }).click();
    // The server's 400 lands on the field.
    await visible(dialog.getByText('An email address such as hello@yourstore.com'));
    await dialog.getByLabel('From address').fill('hello@regency-gifts.example');
    await dialog.getByLabel('Reply-to address').fill('care@regency-gifts.example');
    await dialog.getByLabel('Internal name').fill('Newsletter');
    await dialog.getByRole('button', { name: 'Add sender' }).click();
    await visible(senders.getByRole('cell', { name: /Newsletter\s*Default/ }));
    await visible(senders.getByText('hello@regency-gifts.example'));
    const stored = await api<{ items: { fromEmail: string; replyTo: string | null; isDefault: boolean }[] }>('GET', '/api/messaging/senders');
    expect(stored.items).toEqual([expect.objectContaining({ fromEmail: 'hello@regency-gifts.example', replyTo: 'care@regency-gifts.example', isDefault: true })]);

    // Guardrails: quiet hours placed well away from now (customers below live in UTC), so nothing is held.
    const now = new Date().getUTCHours();
    const guard = page.getByRole('region', { name: 'Guardrails' });
    await toggle(guard, 'Frequency cap');
    await guard.getByLabel('Frequency cap: messages').fill('2');
    await guard.getByLabel('Frequency cap: days').fill('7');
    await toggle(guard, 'Quiet hours');
    await guard.getByLabel('From', { exact: true }).fill(hhmm(now + 4));
    await guard.getByLabel('Until', { exact: true }).fill(hhmm(now + 6));
    await guard.getByLabel('Smart sending hours').fill('12');
    await guard.getByLabel('Days after a click').fill('7');
    await visible(guard.getByText('A customer gets at most 2 marketing messages every 7 days; further ones are skipped.'));
    await guard.getByRole('button', { name: 'Save guardrails' }).click();
    await visible(page.getByText('Guardrails saved'));
    const settings = await api<{ guardrails: unknown }>('GET', '/api/messaging/settings');
    expect(settings.guardrails).toEqual({
      frequencyCap: { max: 2, days: 7 }, quietHours: { start: hhmm(now + 4), end: hhmm(now + 6) }, smartSendingHours: 12, attributionClickDays: 7, attributionOpenDays: 1,
    });

    // Test connection answers with what the server (here: nobody) said, and saves nothing.
    await delivery.getByLabel('Host').fill('127.0.0.1');
    await delivery.getByLabel('Port').fill(String(await closedPort()));
    await delivery.getByRole('button', { name: 'Test connection' }).click();
    await visible(delivery.getByRole('status').getByText('Could not connect'));
    expect(await delivery.getByRole('status').textContent()).toMatch(/ECONNREFUSED|connect/i);
    expect((await api<{ emailMode: string }>('GET', '/api/messaging/settings')).emailMode).toBe('outbox');
    await page.reload();
    await visible(page.getByRole('region', { name: 'SMS gateway' }).getByLabel('Delivery receipt URL'));
    await shot(page, 'messaging-settings');
    await page.context().close();

    // A marketer reads transport settings and senders, and changes only the guardrails.
    const m = await env.loggedIn(MARKETER, PASSWORD);
    await m.goto(`${app.url}/settings/messaging`);
    await visible(m.getByRole('region', { name: 'Guardrails' }).getByRole('button', { name: 'Save guardrails' }));
    expect(await m.getByRole('region', { name: 'Email delivery' }).getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await m.getByRole('region', { name: 'Senders' }).getByRole('button', { name: 'Add sender' }).count()).toBe(0);
    await visible(m.getByRole('region', { name: 'Email delivery' }).getByText('Only people with the settings:write permission can change these.'));
    await m.context().close();
  }, 120_000);

  it('lists messages with skip reasons and filters, follows the queue by itself, and shows one as sent: sandboxed HTML, text part, headers and events', async () => {
    const { app } = env;
    const db = app.patron.dbh.db;
    const messaging = app.patron.modules.messaging;
    const templateId = newId();
    await db.insertInto('message_templates').values({
      id: templateId, name: 'Browse reminder', channel: 'email', kind: 'marketing', format: 'mjml', subject: 'Still thinking about the {{ product.title | downcase }}?', preheader: 'It is still in stock',
      body: `<mjml><mj-body><mj-section><mj-column>
        <mj-text font-size="18px">Hello,</mj-text>
        <mj-text>The {{ product.title | downcase }} you looked at is still in stock at {{ product.price | money: 'GBP' }}.</mj-text>
        <mj-button href="https://shop.example.com/products/{{ product.sku }}">Take another look</mj-button>
        <mj-text font-size="12px"><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column></mj-section></mj-body></mjml>`,
      created_by: 'test',
    }).execute();

    // Five customers of the first real invoices (a customer's first one each); the last one never agreed to marketing.
    const byCustomer = new Map<string, Invoice>();
    for (const inv of await firstInvoices(20)) if (!byCustomer.has(inv.customerId)) byCustomer.set(inv.customerId, inv);
    const invoices = [...byCustomer.values()].slice(0, 5);
    expect(invoices).toHaveLength(5);
    const sent: { id: string; sku: string; email: string; customerId: string }[] = [];
    for (const [i, inv] of invoices.entries()) {
      const email = `customer${inv.customerId}@example.com`;
      const line = inv.lines[0]!;
      const id = await db.transaction().execute(async (tx) => {
        const c = await app.patron.modules.customers.service.resolve(tx, {
          identities: [{ kind: 'email', value: email, verified: true }], profile: { timeZone: 'UTC' }, source: 'test', actor: SYSTEM_ACTOR,
        });
        if (i < 4) await app.patron.modules.customers.consent.set(tx, { customerId: c.customerId, channel: 'email', status: 'subscribed', method: 'admin', source: 'test', actor: SYSTEM_ACTOR });
        const r = await messaging.sender.enqueue(tx, {
          customerId: c.customerId, channel: 'email', kind: 'marketing', purpose: 'flow', dedupeKey: `e2e:${inv.number}`, templateId,
          vars: { product: { title: line.title, sku: line.sku, price: line.unitPrice } },
        });
        return { id: r.id, customerId: c.customerId };
      });
      sent.push({ ...id, sku: line.sku, email });
    }
    // A second reminder to the second customer in the same batch: smart sending holds one of the two back.
    await db.transaction().execute((tx) => messaging.sender.enqueue(tx, {
      customerId: sent[1]!.customerId, channel: 'email', kind: 'marketing', purpose: 'flow', dedupeKey: 'e2e:again', templateId,
      vars: { product: { title: invoices[1]!.lines[1]?.title ?? 'gift', sku: 'x', price: 100 } },
    }));
    expect(await messaging.dispatcher.runOnce()).toBe(6);
    const first = sent[0]!;
    const row = await db.selectFrom('messages').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', transport: 'outbox' });
    expect(row.html).toMatch(/\/m\/o\/[^"]+\.gif/);
    // What the recipient did: a privacy proxy fetched the pixel, then the person opened and clicked.
    const at = (min: number) => new Date(Date.now() - min * 60_000);
    const link = `https://shop.example.com/products/${first.sku}`;
    await db.insertInto('message_events').values([
      { id: newId(), message_id: first.id, type: 'opened', occurred_at: at(9), url: null, is_bot: true, data: '{}' },
      { id: newId(), message_id: first.id, type: 'opened', occurred_at: at(6), url: null, is_bot: false, data: '{}' },
      { id: newId(), message_id: first.id, type: 'clicked', occurred_at: at(5), url: link, is_bot: false, data: '{}' },
    ]).execute();
    await db.updateTable('messages').set({ opened_at: at(6), clicked_at: at(5) }).where('id', '=', first.id).execute();
    // One more, due tomorrow: queued, so the page refreshes itself.
    await db.transaction().execute((tx) => messaging.sender.enqueue(tx, {
      customerId: first.customerId, channel: 'email', kind: 'transactional', purpose: 'transactional', dedupeKey: 'e2e:later', templateId, sendAfter: new Date(Date.now() + 24 * 3600_000),
      vars: { product: { title: 'GIFT VOUCHER', sku: 'GIFT', price: 1000 } },
    }));

    const page = await env.loggedIn(EMAIL, PASSWORD);
    await page.getByRole('link', { name: 'Outbox', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Outbox' }));
    await visible(page.getByText('No SMTP server is configured: messages are kept here, nothing leaves Patron.'));
    const rows = page.getByRole('row').filter({ has: page.getByRole('link', { name: /@example\.com$/ }) });
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(7);
    await visible(page.getByText('That’s all 7 messages.'));
    // The customer without consent: skipped, and the badge says why.
    const skipped = rows.filter({ has: page.getByRole('link', { name: sent[4]!.email }) });
    await skipped.getByText('Skipped').hover();
    await visible(page.getByRole('tooltip', { name: 'No marketing consent on this channel' }));
    await visible(rows.filter({ hasText: 'Queued' }).getByText(/^due in/));

    // Filters: status in the address bar.
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Skipped' }).click();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    expect(page.url()).toContain('status=skipped');
    await rows.filter({ has: page.getByRole('link', { name: sent[1]!.email }) }).getByText('Skipped').hover();
    await visible(page.getByRole('tooltip', { name: 'Messaged recently (smart sending)' }));
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(7);
    await page.mouse.move(0, 0);
    await shot(page, 'outbox');

    // The queued message falls due and is sent while the page is open: the list follows by itself.
    await db.updateTable('messages').set({ send_after: new Date() }).where('dedupe_key', '=', 'e2e:later').execute();
    expect(await messaging.dispatcher.runOnce()).toBe(1);
    await expect.poll(() => rows.filter({ hasText: 'Queued' }).count(), { timeout: 15_000 }).toBe(0);
    await visible(rows.getByText('Still thinking about the gift voucher?'));
    await visible(page.getByText('Nothing waiting'));

    // The sent message.
    const subject = `Still thinking about the ${invoices[0]!.lines[0]!.title.toLowerCase()}?`;
    await rows.filter({ has: page.getByRole('link', { name: first.email }) }).filter({ hasText: 'Sent' }).getByText(subject).click();
    await visible(page.getByRole('heading', { level: 1, name: subject }));
    await visible(page.getByText('from Regency Gifts <hello@regency-gifts.example>', { exact: false }));
    const frame = page.locator('iframe');
    expect(await frame.getAttribute('sandbox')).toBe('');
    const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
    // Looking at it must not count as an open or a click.
    expect(srcdoc).not.toMatch(/\/m\/o\//);
    expect(srcdoc).not.toMatch(/\/m\/c\//);
    expect(srcdoc).toContain(`href="${link}`);
    await visible(page.frameLocator('iframe').getByText(/you looked at is still in stock at £/));
    expect(await db.selectFrom('message_events').select('id').where('message_id', '=', first.id).execute()).toHaveLength(3);
    await page.locator('label', { hasText: 'Mobile' }).click();
    await expect.poll(async () => (await frame.boundingBox())?.width).toBe(375);
    await shot(page, 'outbox-message');

    await page.getByRole('tab', { name: 'Text' }).click();
    // The text part is wrapped for plain-text readers.
    await visible(page.getByLabel('Text part').getByText(/you looked\s+at is still in stock at\s+£/));
    await page.getByRole('tab', { name: 'Headers' }).click();
    await visible(page.getByRole('cell', { name: 'List-Unsubscribe-Post' }));
    await page.getByRole('tab', { name: /Events/ }).click();
    await visible(page.getByRole('link', { name: link }));
    await visible(page.getByText('Bot', { exact: true }));
    expect(await page.getByRole('row').filter({ hasText: 'Opened' }).count()).toBe(2);

    // And its customer, whose Messages tab lists it (and the later one) with the outbox's rows.
    await page.getByRole('link', { name: first.email }).click();
    await page.waitForURL(/\/customers\/[0-9a-f-]+/);
    await page.getByRole('tab', { name: /Messages/ }).click();
    await visible(page.getByText(subject));
    await visible(page.getByText('Still thinking about the gift voucher?'));
    await page.getByText(subject).click();
    await visible(page.getByRole('heading', { level: 1, name: subject }));
    await page.context().close();
  }, 120_000);
});
