import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exeAttachment, gmailNew, htmlWithScript, malformed, outOfOffice, plainNew } from '../server/src/modules/support/email.fixtures.ts';
import { hasBrowser } from './browser.ts';
import { DOCS_SCREENSHOTS, screenshots, startBrowserTest, visible, type BrowserTest } from './harness.ts';

// Support email in a real browser: mail arrives (a question, an out-of-office, junk, a flood, a hostile HTML
// message), the admin sees Settings → Support email with the log, and the agent opens the email ticket:
// nothing of the hostile HTML runs. EMAIL_SHOTS=<dir> (or PATRON_SCREENSHOTS=1) saves pictures.
let env: BrowserTest;
const EMAIL = 'olga@shop.test';
const PASSWORD = 'olga password 1';
const shot = screenshots(process.env.EMAIL_SHOTS ?? DOCS_SCREENSHOTS);

describe.skipIf(!hasBrowser)('support email in a real browser', () => {
  let xssTicket = '';
  beforeAll(async () => {
    env = await startBrowserTest({ owner: { email: EMAIL, password: PASSWORD } });
    await env.api('PUT', '/api/support/email/settings', { inboundAddresses: ['support@shop.test'], replyFromName: 'Hearth & Home Support', signature: 'Hearth & Home — we answer within a day', floodMax: 3 });
    const inbound = env.app.patron.modules.support.email.inbound;
    inbound.invalidate();
    const ctx = { source: 'smtp', rcptTo: ['support@shop.test'] };
    await inbound.receiveRaw(gmailNew(), ctx);
    await inbound.receiveRaw(outOfOffice(), ctx);
    await inbound.receiveRaw(malformed(), ctx);
    await inbound.receiveRaw(exeAttachment(), ctx);
    for (let i = 0; i < 4; i++) await inbound.receiveRaw(plainNew({ from: 'bot@spam.test', messageId: `<spam-${i}@spam.test>`, subject: `WIN A PRIZE ${i}` }), ctx);
    xssTicket = (await inbound.receiveRaw(htmlWithScript(), ctx)).ticketId!;
  });

  afterAll(async () => env?.close());

  it('shows the settings and the received-email log; the agent sees the hostile HTML inert', async () => {
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1440, height: 900 });
    page.setDefaultTimeout(15_000);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${env.app.url}/settings/support-email`);
    await visible(page.getByRole('heading', { level: 1, name: 'Support email' }));
    await visible(page.getByRole('heading', { name: 'Received email' }));
    await visible(page.getByText('Held (flood)').first());
    await visible(page.getByText('Auto-reply', { exact: true }).first());
    await visible(page.getByText('Failed', { exact: true }).first());
    await visible(page.getByLabel('SendGrid Inbound Parse'));
    await shot(page, 'support-email-settings');
    await page.getByLabel('Sender name').fill('Hearth & Home Help');
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByText('Support email settings saved'));
    expect((await env.api<{ replyFromName: string }>('GET', '/api/support/email/settings')).replyFromName).toBe('Hearth & Home Help');

    await page.goto(`${env.app.url}/support/inbox?view=all&t=${xssTicket}`);
    await visible(page.getByText('Broken product page').first());
    await page.waitForTimeout(500);
    await shot(page, 'support-email-ticket', false);
    expect(dialogs).toEqual([]);
    expect(await page.locator('iframe, form[action*="evil"]').count()).toBe(0);
  });
});
