import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../server/src/platform/audit/audit.ts';
import { newId } from '../server/src/platform/ids.ts';
import { dsn } from '../server/src/modules/messaging/bounces.fixture.ts';
import { hasBrowser } from './browser.ts';
import { screenshots, startBrowserTest, visible, type BrowserTest } from './harness.ts';

// The suppression list and the recipient's pages (unsubscribe, preference centre) in a real browser.
let env: BrowserTest;
let token = '';
const EMAIL = 'dora@shop.test';
const PASSWORD = 'dora password 1';
/** SHOTS=<dir> keeps screenshots of the pages for a person to look at. */
const shot = screenshots(process.env.SHOTS);

async function customerWithMessage(name: string): Promise<{ customerId: string; messageId: string }> {
  const { app } = env;
  const db = app.patron.dbh.db;
  const customerId = await db.transaction().execute(async (tx) => {
    const r = await app.patron.modules.customers.service.resolve(tx, { identities: [{ kind: 'email', value: `${name}@example.net`, verified: true }], profile: { firstName: name }, source: 'test', actor: SYSTEM_ACTOR });
    await app.patron.modules.customers.consent.set(tx, { customerId: r.customerId, channel: 'email', status: 'subscribed', method: 'admin', source: 'ui', actor: SYSTEM_ACTOR, occurredAt: new Date(Date.now() - 86_400_000) });
    return r.customerId;
  });
  const messageId = newId();
  await db.insertInto('messages').values({
    id: messageId, customer_id: customerId, channel: 'email', kind: 'marketing', purpose: 'campaign', dedupe_key: `t:${messageId}`, status: 'sent', skip_reason: null, send_after: new Date(),
    template_id: null, template_version: null, sender_id: null, campaign_id: null, variant: null, flow_id: null, flow_version: null, flow_run_id: null, flow_step_id: null,
    vars: '{}', overrides: '{}', to_override: null, topic: null, last_error: null, claimed_at: null, transport: 'smtp', to_address: `${name}@example.net`, from_address: 'news@shop.test',
    subject: 'Spring sale', html: '<p>Sale</p>', text_body: 'Sale', headers: null, provider_id: null, sent_at: new Date(Date.now() - 3600_000),
    delivered_at: null, opened_at: null, clicked_at: null, bounced_at: null, bounce_type: null, complained_at: null, unsubscribed_at: null,
  } as never).execute();
  return { customerId, messageId };
}

describe.skipIf(!hasBrowser)('engagement pages in a real browser', () => {
  beforeAll(async () => {
    env = await startBrowserTest({ owner: { email: EMAIL, password: PASSWORD } });
    await env.api('PUT', '/api/settings/store', { name: 'Tidewater Goods', currency: 'GBP', timeZone: 'Europe/London' });
    token = (await env.api<{ token: string }>('GET', '/api/messaging/inbound')).token;
  });

  afterAll(() => env?.close());

  it('lists bounces and complaints, adds an address by hand and removes one', async () => {
    const { app, api } = env;
    const bounced = await customerWithMessage('bounced');
    const res = await app.patron.http!.inject({ method: 'POST', url: `/api/messaging/inbound/dsn?token=${token}`, headers: { 'content-type': 'message/rfc822' }, payload: dsn({ status: '5.1.1', recipient: 'bounced@example.net', patronId: bounced.messageId, id: 'e2e-1' }) });
    expect(res.json()).toMatchObject({ applied: 1 });
    await api('POST', '/api/messaging/suppressions', { address: 'old-typo@gmial.com', detail: 'Typo of a customer address' });

    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1400, height: 1000 });
    await page.goto(`${app.url}/settings/suppressions`);
    await visible(page.getByRole('heading', { level: 1, name: 'Suppressions' }));
    const row = page.getByRole('row').filter({ hasText: 'bounced@example.net' });
    await visible(row.getByText('Hard bounce'));
    await visible(row.getByText('Bounce email'));
    await visible(row.getByRole('link', { name: 'bounced' }));
    await visible(page.getByRole('heading', { name: 'Receiving bounces and complaints' }));
    await shot(page, 'suppressions');

    await page.getByRole('button', { name: 'Add address' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email address').fill('not an address');
    await dialog.getByRole('button', { name: 'Suppress' }).click();
    await visible(dialog.getByText(/must be an email address/));
    await dialog.getByLabel('Email address').fill('Asked.By.Phone@Example.net');
    await dialog.getByLabel('Note').fill('Asked by phone');
    await shot(page, 'suppressions-add');
    await dialog.getByRole('button', { name: 'Suppress' }).click();
    await visible(page.getByRole('row').filter({ hasText: 'asked.by.phone@example.net' }).getByText('Added by hand'));

    await page.getByRole('button', { name: 'Remove old-typo@gmial.com' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'old-typo@gmial.com' }).count(), { timeout: 10_000 }).toBe(0);

    await page.getByLabel('Search').fill('bounced');
    await expect.poll(() => page.getByRole('row').count(), { timeout: 10_000 }).toBe(2);
    await page.context().close();

    // On a phone: secondary columns fold away and nothing is wider than the screen.
    const phone = await env.loggedIn(EMAIL, PASSWORD, { width: 390, height: 844 });
    await phone.goto(`${app.url}/settings/suppressions`);
    await visible(phone.getByRole('row').filter({ hasText: 'bounced@example.net' }));
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(phone, 'suppressions-mobile');
    await phone.context().close();
  }, 120_000);

  it('a recipient unsubscribes with a click of a button and manages topics in the preference centre', async () => {
    const { app } = env;
    const { customerId, messageId } = await customerWithMessage('prue');
    const links = app.patron.modules.messaging.links;
    const local = (u: string) => `${app.url}${new URL(u).pathname}`;
    const page = await env.page({ width: 1200, height: 900 });

    await page.goto(local(links.preferencesUrl(messageId)));
    await visible(page.getByRole('heading', { name: 'Email preferences' }));
    await visible(page.getByText('Tidewater Goods').first());
    await shot(page, 'preferences');
    await page.getByLabel('Offers and sales').uncheck();
    await page.getByLabel('Pause all emails for 30 days').check();
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await visible(page.getByText('Your preferences are saved.'));
    expect(await page.getByLabel('Offers and sales').isChecked()).toBe(false);
    await visible(page.getByText(/paused until/));

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(local(links.unsubscribeUrl(messageId)));
    await visible(page.getByRole('heading', { name: 'Unsubscribe from Tidewater Goods emails?' }));
    await shot(page, 'unsubscribe-mobile');
    expect((await app.patron.modules.customers.consent.get(customerId)).email.status).toBe('subscribed');
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await visible(page.getByRole('heading', { name: 'You are unsubscribed' }));
    await shot(page, 'unsubscribed-mobile');
    expect((await app.patron.modules.customers.consent.get(customerId)).email.status).toBe('unsubscribed');

    await page.goto(`${app.url}/m/p/${messageId}/${'A'.repeat(32)}`);
    await visible(page.getByRole('heading', { name: 'This link is not valid' }));
    await page.context().close();
  }, 120_000);
});
