import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBrowser } from './browser.ts';
import { firstInvoices, orderBody, type Invoice } from './data.ts';
import { DOCS_SCREENSHOTS, screenshots, startBrowserTest, visible, type BrowserTest } from './harness.ts';

// The template editor in a real browser: a template made from the abandoned-cart starter, previewed on a
// customer of the real UCI data (her last order and a cart with part of it), a Liquid error shown on its
// line, fixed, saved as version 2, and a test send that reaches the outbox (no SMTP server is set up).
// PATRON_SCREENSHOTS=1 saves the pages into docs/screenshots.
let env: BrowserTest;
let invoice: Invoice;
const EMAIL = 'tess@shop.test';
const PASSWORD = 'tess password 1';
const shot = screenshots(DOCS_SCREENSHOTS);

describe.skipIf(!hasBrowser)('templates in a real browser', () => {
  beforeAll(async () => {
    env = await startBrowserTest({ worker: true, owner: { email: EMAIL, password: PASSWORD } });
    const { api } = env;
    await api('PUT', '/api/settings/store', { name: 'Hearth & Home', currency: 'GBP', timeZone: 'Europe/London' });
    const invoices = await firstInvoices(5);
    for (const inv of invoices) await api('POST', '/api/orders', orderBody(inv, { firstName: `Buyer${inv.customerId}` }));
    invoice = invoices[0]!;
    await api('POST', '/api/carts', {
      source: 'uci', externalId: 'cart-1', status: 'abandoned', currency: 'GBP', checkoutUrl: 'https://hearth.example/checkout/1', checkoutStarted: true,
      customer: { externalId: invoice.customerId, email: `customer${invoice.customerId}@example.com` },
      items: invoice.lines.slice(0, 3).map((l) => ({ productExternalId: l.sku, sku: l.sku, title: l.title, quantity: 1, unitPrice: l.unitPrice })),
    });
  });

  afterAll(() => env?.close());

  it('creates from a starter, previews on a real customer, shows a Liquid error on its line, saves the fix and sends a test to the outbox', async () => {
    const { app, api } = env;
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1440, height: 1000 });

    await page.getByRole('link', { name: 'Templates', exact: true }).click();
    await visible(page.getByText('No templates yet'));
    await page.getByRole('link', { name: 'New template' }).first().click();
    await visible(page.getByRole('heading', { level: 1, name: 'New template' }));
    await visible(page.getByTestId('starter-abandoned-cart'));
    await shot(page, 'templates-gallery');
    await page.getByRole('button', { name: 'Use Abandoned cart', exact: true }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Cart reminder 1');
    await page.getByRole('button', { name: 'Create and edit' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Cart reminder 1' }));
    expect(page.url()).toMatch(/\/templates\/[0-9a-f-]{36}$/);

    // The preview is this store's customer who left a cart: her items, her name in the subject.
    const frame = page.frameLocator('iframe[title="Email preview"]');
    await visible(frame.getByText(invoice.lines[0]!.title).first());
    await expect.poll(() => page.getByTestId('preview-subject').textContent(), { timeout: 10_000 }).toBe(`Buyer${invoice.customerId}, you left something in your cart`);
    await shot(page, 'templates-editor');

    // A broken output tag on a known line: the error names the line, the gutter marks it, a click puts the cursor there.
    const editor = page.getByLabel('Template body');
    const original = await editor.inputValue();
    const lines = original.split('\n');
    const at = lines.findIndex((l) => l.includes('Still thinking it over?'));
    expect(at).toBeGreaterThan(0);
    const broken = [...lines];
    broken[at] = broken[at]!.replace('Still thinking it over?', 'Still thinking {{ customer.first_name ?');
    await editor.fill(broken.join('\n'));
    const problem = page.getByRole('button', { name: new RegExp(`^Go to Body, line ${at + 1}\\b`) });
    await visible(problem);
    await visible(page.getByText('The template has an error'));
    await problem.click();
    const caretLine = await editor.evaluate((el) => {
      const t = el as unknown as { value: string; selectionStart: number };
      return t.value.slice(0, t.selectionStart).split('\n').length;
    });
    expect(caretLine).toBe(at + 1);
    await page.evaluate('window.scrollTo(0, 0)');
    await shot(page, 'templates-editor-error');
    await expect.poll(() => page.getByRole('button', { name: 'Send test' }).isDisabled()).toBe(true);

    // Fixed: the error goes, the preview shows the new heading, and saving makes version 2.
    const fixed = [...lines];
    fixed[at] = fixed[at]!.replace('Still thinking it over?', 'Forgot something, {{ customer.first_name }}?');
    await editor.fill(fixed.join('\n'));
    await visible(frame.getByText(`Forgot something, Buyer${invoice.customerId}?`));
    expect(await page.getByText('The template has an error').count()).toBe(0);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByText('Version 2', { exact: true }));
    const saved = await api<{ items: { id: string; version: number; name: string }[] }>('GET', '/api/messaging/templates');
    expect(saved.items).toEqual([expect.objectContaining({ name: 'Cart reminder 1', version: 2 })]);

    // Text part and mobile width.
    await page.getByRole('tab', { name: 'Text part' }).click();
    await visible(page.getByTestId('preview-text').getByText(/Forgot something/));
    await page.getByRole('tab', { name: 'Email' }).click();
    await page.evaluate('window.scrollTo(0, 0)');
    await page.getByRole('radio', { name: 'Mobile' }).dispatchEvent('click');
    await shot(page, 'templates-editor-mobile');
    await expect.poll(() => page.locator('iframe[title="Email preview"]').evaluate((el) => (el as unknown as { style: { width: string } }).style.width)).toBe('375px');

    // Test send to my own address: queued, then kept in the outbox by the dispatcher.
    await page.getByRole('button', { name: 'Send test' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send a test' });
    await expect.poll(() => dialog.getByLabel('Send to').inputValue()).toBe(EMAIL);
    await dialog.getByRole('button', { name: 'Send test' }).click();
    await visible(page.getByText(`Queued for ${EMAIL}.`));
    await page.getByRole('button', { name: 'Open the outbox' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/messages');
    const id = saved.items[0]!.id;
    let outbox: { items: { id: string; status: string; toAddress?: string | null; subject?: string | null; templateId?: string | null }[] } = { items: [] };
    await expect.poll(async () => {
      outbox = await api('GET', '/api/messaging/messages');
      return outbox.items.find((m) => m.status === 'sent')?.subject ?? null;
    }, { timeout: 20_000 }).toBe(`Buyer${invoice.customerId}, you left something in your cart`);
    const row = await app.patron.dbh.db.selectFrom('messages').selectAll().where('template_id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ purpose: 'test', status: 'sent', to_address: EMAIL, template_version: 2 });
    expect(row.html).toContain(`Forgot something, Buyer${invoice.customerId}?`);
    await page.goto(`${app.url}/templates`);
    await visible(page.getByRole('link', { name: 'Cart reminder 1' }));
    await shot(page, 'templates-list');
    await page.context().close();
  }, 120_000);
});
