import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../server/src/platform/audit/audit.ts';
import { loginAs } from '../server/src/testing/harness.ts';
import { hasBrowser } from './browser.ts';
import { DOCS_SCREENSHOTS, screenshots, startBrowserTest, visible, type BrowserTest } from './harness.ts';

// The agent inbox in a real browser: a customer's email with her order beside it, a reply with a macro
// (Liquid filled with her name and last order), solved with the keyboard, while a colleague viewing the
// same ticket is shown (collision warning). PATRON_SCREENSHOTS=1 saves the pages into docs/screenshots;
// INBOX_SHOTS=<dir> saves them there.
let env: BrowserTest;
const EMAIL = 'sam@shop.test';
const PASSWORD = 'sam password 1';
const shot = screenshots(process.env.INBOX_SHOTS ?? DOCS_SCREENSHOTS);

describe.skipIf(!hasBrowser)('support inbox in a real browser', () => {
  let ticketId: string;

  beforeAll(async () => {
    env = await startBrowserTest({ owner: { email: EMAIL, password: PASSWORD } });
    await env.api('PUT', '/api/settings/store', { name: 'Hearth & Home', currency: 'GBP', timeZone: 'Europe/London' });
    const commerce = env.app.patron.modules.commerce.service;
    await commerce.upsertOrder(SYSTEM_ACTOR, {
      source: 'shop', externalId: 'o-1042', number: '1042', customer: { email: 'ann.lee@example.com', firstName: 'Ann', lastName: 'Lee', country: 'GB' }, status: 'completed', currency: 'GBP',
      discountTotal: 0, taxTotal: 0, shippingTotal: 395, discountCodes: [], placedAt: new Date(Date.now() - 6 * 86_400_000),
      lines: [{ productExternalId: 'mug', sku: 'MUG-BLUE', title: 'Blue enamel mug', quantity: 2, unitPrice: 1250 }, { productExternalId: 'lantern', sku: 'LANT', title: 'White hanging lantern', quantity: 1, unitPrice: 2495 }],
    });
    await env.app.patron.modules.customers.service.refreshAllCommerceStats(env.app.patron.dbh.db);
    const tickets = env.app.patron.modules.support.tickets.service;
    await tickets.createTicket(SYSTEM_ACTOR, { channel: 'form', subject: 'Do you deliver to Ireland?', requester: { email: 'tom@example.com', name: 'Tom Byrne' }, message: { direction: 'inbound', authorType: 'customer', bodyText: 'Hi, do you ship to Dublin and how long does it take?', createdAt: new Date(Date.now() - 3 * 3600_000) } });
    await tickets.createTicket(SYSTEM_ACTOR, { channel: 'chat', subject: 'Gift wrapping', requester: { email: 'mia@example.com', name: 'Mia Chen' }, message: { direction: 'inbound', authorType: 'customer', bodyText: 'Can you gift wrap the lantern?', createdAt: new Date(Date.now() - 2 * 3600_000) } });
    ticketId = (await tickets.createTicket(SYSTEM_ACTOR, {
      channel: 'email', subject: 'Where is my order #1042?', requester: { email: 'ann.lee@example.com', name: 'Ann Lee' }, priority: 'high', tags: ['shipping'],
      message: { direction: 'inbound', authorType: 'customer', bodyText: 'Hello, I ordered two mugs and a lantern last week (order 1042) and nothing has arrived yet. Could you check where it is?', bodyHtml: '<p>Hello, I ordered two mugs and a lantern last week (order <b>1042</b>) and nothing has arrived yet.</p><p>Could you check where it is?</p><script>alert(1)</script>' },
    })).ticket.id;
    await env.api('POST', '/api/support/macros', { name: 'Where is my order', body: 'Hi {{ customer.first_name }},\n\nThanks for your patience! Your order {{ last_order.number }} is {{ last_order.status }} and on its way.\n\nBest wishes,\n{{ agent.first_name }}', actions: { status: 'pending', addTags: ['wismo'] } });
  });

  afterAll(() => env?.close());

  it('opens the inbox, reads a ticket with the customer beside it, replies with a macro and solves it', async () => {
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1600, height: 1000 });
    page.setDefaultTimeout(10_000);
    await page.getByRole('link', { name: 'Inbox', exact: true }).click();
    const inbox = page.getByTestId('inbox');
    await visible(inbox);
    await visible(page.getByText('Live updates on'));
    await page.locator(`[data-ticket-row="${ticketId}"] button`).click();
    await visible(page.getByRole('heading', { level: 2, name: 'Where is my order #1042?' }));
    // The customer's context: lifetime value and the order with its items.
    const ctx = page.getByTestId('customer-context');
    await visible(ctx.getByText('#1042'));
    await visible(ctx.getByText('2 × Blue enamel mug'));
    await visible(ctx.getByText('£53.90').first());
    // The email's HTML is shown sanitised.
    expect(await page.locator('[data-message="inbound"] script').count()).toBe(0);

    // A colleague opens the same ticket: the collision warning appears.
    await loginAs(env.app, 'support', 'kit@shop.test', 'kit password 1');
    const other = await env.loggedIn('kit@shop.test', 'kit password 1', { width: 1280, height: 800 });
    await other.goto(`${env.app.url}/support/inbox?view=all&t=${ticketId}`);
    await visible(page.getByTestId('presence'));
    await expect.poll(() => page.getByTestId('presence').textContent()).toContain('also viewing');
    await shot(page, 'support-inbox');

    // r focuses the reply; the macro fills it in with Liquid rendered for Ann.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('r');
    await page.getByTestId('macro-picker').click();
    await page.getByRole('menuitem', { name: 'Where is my order' }).click();
    const reply = page.getByRole('textbox', { name: 'Reply' });
    await expect.poll(() => reply.inputValue()).toContain('Hi Ann,');
    expect(await reply.inputValue()).toContain('Your order 1042 is completed');
    await shot(page, 'support-inbox-macro');
    await page.getByTestId('send').click();
    await visible(page.locator('[data-message="outbound"]').getByText('Thanks for your patience!'));
    // The macro's actions applied: status pending, tag added.
    await expect.poll(async () => (await env.api<{ ticket: { status: string; tags: string[] } }>('GET', `/api/support/tickets/${ticketId}`)).ticket).toMatchObject({ status: 'pending', tags: ['shipping', 'wismo'] });

    // e solves it.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('e');
    await expect.poll(async () => (await env.api<{ ticket: { status: string } }>('GET', `/api/support/tickets/${ticketId}`)).ticket.status).toBe('solved');
    await visible(page.getByRole('button', { name: 'Solve (e)' }).and(page.locator('[disabled]')));
    await shot(page, 'support-inbox-solved');

    // ? shows the shortcuts.
    await page.keyboard.press('?');
    await visible(page.getByRole('dialog', { name: 'Keyboard shortcuts' }));
    await shot(page, 'support-inbox-shortcuts', false);
    await page.keyboard.press('Escape');
  });

  it('works on a phone: the list, then one conversation with a way back', async () => {
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 390, height: 844 });
    await page.goto(`${env.app.url}/support/inbox?view=all`);
    await visible(page.getByText('Do you deliver to Ireland?'));
    await shot(page, 'support-inbox-phone', false);
    await page.getByText('Do you deliver to Ireland?').click();
    await visible(page.getByRole('heading', { level: 2, name: 'Do you deliver to Ireland?' }));
    await shot(page, 'support-inbox-phone-ticket', false);
    await page.getByRole('button', { name: 'All tickets' }).click();
    await visible(page.getByText('Gift wrapping'));
  });

  it('shows the settings (rules builder) and the customer\'s Tickets tab', async () => {
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1440, height: 1000 });
    await page.goto(`${env.app.url}/settings/support?tab=macros`);
    await visible(page.getByText('Where is my order'));
    await shot(page, 'support-settings-macros');
    await page.getByRole('tab', { name: 'Rules' }).click();
    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Returns to the returns team');
    await page.getByRole('button', { name: '+ Condition' }).click();
    await shot(page, 'support-settings-rule', false);
    await page.keyboard.press('Escape');
    // The hosted contact form a customer sees.
    const visitor = await env.page({ width: 800, height: 900 });
    await visitor.goto(`${env.app.url}/support/form`);
    await visitor.getByRole('button', { name: 'Send message' }).click();
    await visible(visitor.getByText('Enter your email address so we can reply.'));
    await shot(visitor, 'support-form');
    const ann = (await env.api<{ items: { id: string }[] }>('GET', '/api/customers?q=ann.lee')).items[0]!;
    await page.goto(`${env.app.url}/customers/${ann.id}`);
    await page.getByRole('tab', { name: /Tickets/ }).click();
    await visible(page.getByText('#', { exact: false }).filter({ hasText: 'Where is my order #1042?' }));
    await shot(page, 'support-customer-tickets');
  });
});
